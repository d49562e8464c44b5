package Test::Nginx::Socket;

# Bundled, self-written clone of the CPAN Test::Nginx::Socket
# (openresty/test-nginx), reproducing its observable behaviour: block
# syntax, generated nginx.conf, request bytes, checks and assertion counts.
# See /work/shared/TEST-NGINX.md for the specification.
#
# The module is a Test::Base subclass, so a test file's preamble is plain
# Perl and its __DATA__ section is parsed by Test::Base (default filters
# "norm trim", inline "--- name: value", eval/chomp/chop, ONLY/SKIP/LAST).
#
# This file holds the HTTP side: building the request bytes, a non-blocking
# socket client, response parsing and all the per-response and error-log
# checks.  Configuration and the nginx process are handled by
# Test::Nginx::Util, which calls back into run_test_helper() and
# check_error_log() below.
#
# "-base" (lowercase) makes us a Test::Base subclass without Spiffy's
# source filter, so the subroutines below are ordinary Perl.

use Test::Base -base;

use strict;
use warnings;

use Digest::MD5 ();
use Digest::SHA ();
use Encode ();
use HTTP::Response ();
use IO::Select ();
use IO::Socket::INET ();
use List::Util qw(min);
use POSIX qw(EAGAIN EWOULDBLOCK EINTR);
use Test::LongString;    # exports is_string (its import takes options, not names)
use Time::HiRes qw(sleep);

use Test::Nginx::Util;

our $VERSION = '0.29';

our @EXPORT = qw(
    env_to_nginx is_str plan run_tests run_test
    repeat_each config_preamble worker_connections
    master_process_enabled
    no_long_string workers master_on master_off
    log_level no_shuffle no_root_location use_hup
    server_name
    server_addr server_root html_dir server_port server_port_for_client
    timeout no_nginx_manager check_accum_error_log
    add_block_preprocessor bail_out add_cleanup_handler
    add_response_body_check
);

our $TotalConnectingTimeouts = 0;

# Custom response-body checks registered with add_response_body_check().
our @ResponseBodyChecks;

sub run_test_helper ($$$);
sub check_error_log ($$$$$);
sub send_request ($$$$;$);
sub value_contains ($$);

$RunTestHelper = \&run_test_helper;
$CheckErrorLog = \&check_error_log;

sub set_http_config_filter ($) { $FilterHttpConfig = shift }

# add_response_body_check(sub {
#     my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_; ... })
# Runs after every response has been parsed and checked (status, headers,
# body), before the next request of the block is sent.  Not run for blocks
# with --- ignore_response.  Hooks run in registration order.
sub add_response_body_check ($) { push @ResponseBodyChecks, shift }

# ---------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------

# Turn a --- more_headers value into CRLF-terminated header lines; also
# reports whether "Transfer-Encoding: chunked" was given.
sub parse_more_headers ($) {
    my ($in) = @_;
    my ($out, $is_chunked) = ('', 0);
    for my $line (split /\n+/, $in) {
        next if $line =~ /^\s*#/;
        my ($key, $val) = split /:\s*/, $line, 2;
        $key //= '';
        $val //= '';
        $is_chunked = 1 if lc($key) eq 'transfer-encoding' && $val eq 'chunked';
        $out .= "$key: $val\r\n";
    }
    return ($out, $is_chunked);
}

# Map an offset of the original request text to the rewritten text.
# @$edits is a list of [original_length, replacement] covering the whole
# original text in order.  An offset inside an edited region keeps the same
# relative position (clipped to the replacement), and pure insertions that
# sit exactly on the offset are placed before it.
sub _map_offset ($$) {
    my ($edits, $offset) = @_;
    my ($old, $new) = (0, 0);
    for my $e (@$edits) {
        my ($len, $text) = @$e;
        if ($len == 0) {
            $new += length $text;
            next;
        }
        return $new if $offset <= $old;
        if ($offset < $old + $len) {
            my $k = $offset - $old;
            return $new + min($k, length $text);
        }
        $old += $len;
        $new += length $text;
    }
    return $new;
}

# Given the packets of one request ("METHOD [URI [VERSION]]\nbody"), produce
# the bytes actually sent: a normalised request line, Host / Connection /
# more_headers / Content-Length headers and the (trimmed) body, re-split at
# the same packet boundaries as the input.
sub build_request_from_packets ($$$$$) {
    my ($name, $more_headers, $is_chunked, $conn_header, $packets) = @_;

    my @orig = map { $_ // '' } @$packets;
    my $req  = join '', @orig;

    my ($first) = $req =~ /\A([^\n]*\n?)/;
    if (!$first) {
        bail_out("$name - Request line should be non-empty");
    }

    $first =~ /^(\s*)(\S+)( *)(?:(\S+)( *))?(?:(\S+)( *))?(\s*)$/
        or bail_out("$name - Request line is not valid. Should be 'meth [url [version]]' but got \"$first\".");
    my ($lead, $meth, $sp1, $url, $sp2, $ver, $sp3, $eol) =
        ($1, $2, $3, $4, $5, $6, $7, $8);

    my $content  = substr $req, length $first;
    my $orig_len = length $content;

    my $len_header = '';
    if (!$is_chunked && $content ne ''
        && $more_headers !~ /(?:^|\n)Content-Length:/)
    {
        $content =~ s/^\s+|\s+$//gs;
        $len_header = "Content-Length: " . length($content) . "\r\n";
    }

    $more_headers =~ s/(?<!\r)\n/\r\n/g;

    my $headers = '';
    $headers .= "Host: $ServerName\r\n"
        unless $more_headers =~ /(?:^|\n)Host:/i;
    $headers .= "Connection: $conn_header\r\n"
        unless $more_headers =~ /(?:^|\n)Connection/i;
    $headers .= "$more_headers$len_header\r\n";

    my $len = sub { defined $_[0] ? length $_[0] : 0 };
    my @edits = (
        [ length $lead, '' ],
        [ length $meth, "$meth " ],
        [ length $sp1,  '' ],
        [ $len->($url), ($url // '/') . ' ' ],
        [ $len->($sp2), '' ],
        [ $len->($ver), ($ver // 'HTTP/1.1') . "\r\n" ],
        [ $len->($sp3) + length $eol, '' ],
        [ 0, $headers ],
        [ $orig_len, $content ],
    );
    my $out = join '', map { $_->[1] } @edits;

    # Cut the rewritten text where the original packets were cut.
    my @result;
    my ($orig_pos, $prev) = (0, 0);
    for my $i (0 .. $#orig) {
        $orig_pos += length $orig[$i];
        my $cut = $i == $#orig ? length $out : _map_offset(\@edits, $orig_pos);
        push @result, substr $out, $prev, $cut - $prev;
        $prev = $cut;
    }
    return \@result;
}

# The list of requests of a block.  Each request is a list of packets
# ({ value => bytes, delay_before => seconds }) sent on one connection.
sub get_req_from_block ($) {
    my ($block) = @_;
    my $name = $block->name;
    my @reqs;

    my $raw = $block->raw_request;
    if (defined $raw) {
        # Sent verbatim; an array means separately written packets, each a
        # plain string.  The CPAN harness sends a reference's text
        # ("HASH(0x...)"), so a block that passes here with one would not
        # pass there: refuse it.  Delays between the packets come from
        # --- raw_request_middle_delay, or use --- request eval [[...]].
        my @items = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        for my $i (0 .. $#items) {
            next unless ref $items[$i];
            bail_out("$name - --- raw_request element $i is a "
                     . ref($items[$i]) . " reference: the CPAN Test::Nginx "
                     . "takes only plain strings there (it would send "
                     . "\"$items[$i]\"); use --- raw_request_middle_delay "
                     . "or --- request eval [[...]] with delay_before");
        }
        push @reqs, [ map { { value => $_ } } @items ];
        return \@reqs;
    }

    my $request;
    if (defined $block->request_eval) {
        diag "$name - request_eval DEPRECATED. Use request eval instead.";
        $request = eval $block->request_eval;
        warn $@ if $@;
    } else {
        $request = $block->request;
        if (defined $request && !ref $request) {
            # Drop leading "# comment" lines and blank space.
            1 while $request =~ s/^\s*\#[^\n]+\s+|^\s+//s;
        }
    }

    my $more_headers = $block->more_headers || '';

    # Headers for the $idx-th request (--- more_headers may be an array).
    my $headers_for = sub {
        my ($idx, $what) = @_;
        if (ref $more_headers eq 'ARRAY') {
            my $h = $more_headers->[$idx];
            bail_out("--- more_headers lacks data for the $what") unless defined $h;
            return parse_more_headers($h);
        }
        return parse_more_headers($more_headers);
    };

    if ($block->pipelined_requests) {
        my $list = $block->pipelined_requests;
        if (ref $list ne 'ARRAY') {
            bail_out("$name - invalid entries in --- pipelined_requests");
        }
        my $all = '';
        for my $i (0 .. $#$list) {
            my $conn = $i == $#$list ? 'close' : 'keep-alive';
            my ($hdr, $chunked) = $headers_for->($i, "$i pipelined request");
            my $one = expand_env_in_text($list->[$i], $name,
                                         $Test::Nginx::Util::CurrentRandPorts);
            $all .= build_request_from_packets($name, $hdr, $chunked, $conn,
                                               [$one])->[0];
        }
        push @reqs, [ { value => $all } ];
        return \@reqs;
    }

    if (!ref $request) {
        my ($hdr, $chunked) = $headers_for->(0, 'request');
        my $built = build_request_from_packets($name, $hdr, $chunked, 'close',
                                               [$request]);
        push @reqs, [ { value => $built->[0] } ];
        return \@reqs;
    }

    if (ref $request ne 'ARRAY') {
        bail_out("$name - invalid ---request : MUST be string or array of requests");
    }

    for my $i (0 .. $#$request) {
        my $one = $request->[$i];
        my ($hdr, $chunked) = $headers_for->($i, "${i}th request");

        if (!ref $one) {
            my $built = build_request_from_packets($name, $hdr, $chunked,
                                                   'close', [$one]);
            push @reqs, [ { value => $built->[0] } ];

        } elsif (ref $one eq 'ARRAY') {
            # One request written as several packets.
            my @values;
            for my $p (@$one) {
                if (!ref $p) {
                    push @values, $p;
                } elsif (ref $p eq 'HASH') {
                    push @values, $p->{value};
                } else {
                    bail_out "$name - Invalid syntax. $p should be a string or hash with value.";
                }
            }
            my $built = build_request_from_packets($name, $hdr, $chunked,
                                                   'close', \@values);
            my @packets;
            for my $k (0 .. $#$built) {
                my $src = $one->[$k];
                push @packets, ref $src ? { %$src, value => $built->[$k] }
                                        : { value => $built->[$k] };
            }
            push @reqs, \@packets;

        } else {
            bail_out "$name - Invalid syntax. $one should be a string or an array of packets.";
        }
    }

    return \@reqs;
}

# ---------------------------------------------------------------------------
# The socket client
# ---------------------------------------------------------------------------

# Send one request (a list of packets) on a fresh connection and read until
# the server closes it.  The timeout applies to each I/O wait.  Returns the
# raw response bytes and whether it was a HEAD request.
sub send_request ($$$$;$) {
    my ($req, $middle_delay, $timeout, $block, $tries) = @_;
    my $name = $block->name;

    my @packets  = map { { %$_ } } @$req;
    my $head_req = (join '', map { $_->{value} // '' } @packets) =~ /^\s*HEAD\s+/
                 ? 1 : 0;

    my $addr = $block->server_addr_for_client // $ServerAddr;

    my $sock = IO::Socket::INET->new(
        PeerAddr => $addr,
        PeerPort => $ServerPortForClient,
        Proto    => 'tcp',
        Timeout  => $timeout,
    );

    if (!$sock) {
        # nginx may not be listening yet: retry with a growing delay.
        my $err = $!;
        $tries ||= 1;
        my $total_tries = $TotalConnectingTimeouts ? 20 : 50;
        if ($tries <= $total_tries) {
            my $wait = (sleep_time() + sleep_time() * $tries) * $tries / 2;
            $wait = 1 if $wait >= 1;
            if ($wait >= 0.6) {
                warn "$name - Can't connect to $addr:$ServerPortForClient: $err\n";
                warn "\tRetry connecting after $wait sec\n"
                    if $tries + 1 <= $total_tries;
            }
            sleep $wait;
            return send_request($req, $middle_delay, $timeout, $block, $tries + 1);
        }

        my $msg = "$name - Can't connect to $addr:$ServerPortForClient: $err (aborted)\n";
        if (++$TotalConnectingTimeouts < 3) {
            Test::More->builder->no_ending(1);
            fail($msg);
        } else {
            bail_out($msg);
        }
        return;
    }

    $sock->blocking(0);
    local $SIG{PIPE} = 'IGNORE';

    my $resp = '';
    my $wbuf = (shift @packets)->{value} // '';
    my $woff = 0;
    my $rsel = IO::Select->new($sock);
    my $wsel = IO::Select->new($sock);
    my $open = 1;

    my $close = sub {
        $rsel->remove($sock);
        $wsel->remove($sock);
        close $sock;
        $open = 0;
    };

    while ($open && ($rsel->count || $wsel->count)) {
        $! = 0;
        my ($readable, $writable) = IO::Select->select(
            $rsel, ($wsel->count ? $wsel : undef), undef, $timeout);

        if (!$readable && !$writable) {
            next if $! == EINTR;

            # Timed out waiting for I/O.
            $close->();
            if (!defined $block->abort) {
                Test::More->builder->no_ending(1);
                fail("ERROR: client socket timed out - $name\n");
            } else {
                sleep 0.005;
            }
            last;
        }

        if ($readable && @$readable) {
            while (1) {
                my $n = sysread $sock, my $chunk, 1024;
                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK;
                    warn "WARNING: $name - HTTP response read failure: $!";
                    $close->();
                    last;
                }
                if ($n == 0) {    # server closed the connection
                    $close->();
                    last;
                }
                $resp .= $chunk;
            }
        }

        next unless $open && $writable && @$writable && $wsel->count;

        while (1) {
            my $rest = length($wbuf) - $woff;
            if ($rest > 0) {
                my $n = syswrite $sock, $wbuf, $rest, $woff;
                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK;
                    my $errmsg = "write failed: $!";
                    warn "$errmsg\n";
                    $resp = $errmsg if $resp eq '';
                    $close->();
                    last;
                }
                $woff += $n;
                next;
            }

            my $next = shift @packets;
            if (!$next) {
                # Everything is written.
                my $shutdown = $block->shutdown;
                if (defined $shutdown) {
                    $shutdown = 1 if $shutdown =~ /^$/s;
                    shutdown $sock, $shutdown;
                }
                $wsel->remove($sock);
                last;
            }

            ($wbuf, $woff) = ($next->{value} // '', 0);
            my $delay = defined $next->{delay_before} ? $next->{delay_before}
                                                      : $middle_delay;
            sleep $delay if $delay;
        }
    }

    return ($resp, $head_req);
}

# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------

# Parse one HTTP response from $raw.  Returns the HTTP::Response (with a
# de-chunked / Content-Length-limited body), the raw header block and any
# bytes left over (the next pipelined response).  Returns nothing after
# reporting a failure on malformed chunked data.
sub parse_response ($$$) {
    my ($name, $raw, $head_req) = @_;

    my $raw_headers = $raw =~ /(.*?\r\n)\r\n/s ? $1 : '';

    my $res  = HTTP::Response->parse($raw);
    my $code = $res->code;
    if ($code && $code !~ /^\d+$/) {
        undef $code;
        $res->code(undef);
    }

    return ($res, $raw_headers) if $code && ($code == 304 || $code == 101);

    my $enc = $res->header('Transfer-Encoding');
    my $len = $res->header('Content-Length');
    my $left;

    my $fail = sub {
        Test::More->builder->no_ending(1);
        fail(shift);
        return;
    };

    if (defined $enc && $enc eq 'chunked') {
        my $body = $res->content // '';
        my $decoded = '';
        pos($body) = 0;
        while (1) {
            if ($body =~ /\G0[ \t]*\r\n\r\n/gc) {
                $left = $1 if $body =~ /\G(.+)/gcs;
                last;
            }
            if ($body =~ /\G[ \t]*([A-Fa-f0-9]+)[ \t]*\r\n/gc) {
                my $size  = hex $1;
                my $start = pos $body;
                if (length($body) - $start < $size) {
                    return $fail->("$name - invalid chunked data received "
                                   . "(not enought octets for the data section)");
                }
                $decoded .= substr $body, $start, $size;
                pos($body) = $start + $size;
                if ($body !~ /\G\r\n/gc) {
                    return $fail->("$name - invalid chunked data received (expected CRLF).");
                }
                next;
            }
            if ($body =~ /\G(.+)/gcs) {
                return $fail->("$name - invalid chunked body received: $1");
            }
            return $fail->("$name - no last chunk found - $body");
        }
        $res->content($decoded);

    } elsif (defined $len && $len ne '') {
        no warnings 'numeric';
        if ($len >= 0) {
            my $content = $res->content // '';
            if (length $content < $len) {
                warn "WARNING: $name - response body truncated: ",
                     "$len expected, but got ", length $content, "\n"
                    unless $head_req;
            } elsif (length $content > $len) {
                $left = substr $content, $len;
                $res->content(substr $content, 0, $len);
            }
        }
    }

    return ($res, $raw_headers, $left);
}

# The value of a check section for the $req_idx-th response.  Blocks with
# several requests must give arrays.
sub get_indexed_value ($$$$) {
    my ($name, $value, $req_idx, $need_array) = @_;
    if ($need_array) {
        return $value->[$req_idx] if ref $value eq 'ARRAY';
        bail_out("$name - You asked for many requests, the expected results should be arrays as well.");
    }
    if (ref $value eq 'ARRAY') {
        bail_out("$name - SHOULD NOT HAPPEN: idx != 0 and don't need array.")
            if $req_idx != 0;
        return $value->[0];
    }
    return $value;
}

sub _expand_server_port ($) {
    my $s = shift;
    $s =~ s/\$ServerPort\b/$ServerPort/g;
    $s =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
    return $s;
}

sub check_error_code ($$$$$) {
    my ($block, $res, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;
    my $got  = ($res && $res->code) || '';

    SKIP: {
        skip "$name - tests skipped due to $dry_run", 1 if $dry_run;

        if (defined $block->error_code_like) {
            my $pat = get_indexed_value($name, $block->error_code_like,
                                        $req_idx, $need_array);
            like($got, qr/$pat/sm, "$name - status code ok");
        } elsif (defined $block->error_code) {
            is($got, get_indexed_value($name, $block->error_code,
                                       $req_idx, $need_array),
               "$name - status code ok");
        } else {
            is($got, 200, "$name - status code ok");
        }
    }
}

sub check_raw_response_headers ($$$$$) {
    my ($block, $raw_headers, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;
    $raw_headers //= '';

    if (defined $block->raw_response_headers_like) {
        SKIP: {
            skip "$name - raw_response_headers_like - tests skipped due to $dry_run", 1
                if $dry_run;
            my $pat = get_indexed_value($name, $block->raw_response_headers_like,
                                        $req_idx, $need_array);
            like($raw_headers, qr/$pat/s, "$name - raw resp headers like");
        }
    }

    if (defined $block->raw_response_headers_unlike) {
        SKIP: {
            skip "$name - raw_response_headers_unlike - tests skipped due to $dry_run", 1
                if $dry_run;
            my $pat = get_indexed_value($name, $block->raw_response_headers_unlike,
                                        $req_idx, $need_array);
            unlike($raw_headers, qr/$pat/s, "$name - raw resp headers unlike");
        }
    }
}

# One assertion per header line of --- response_headers ("!Name" asserts
# absence), otherwise one per line of --- response_headers_like.
sub check_response_headers ($$$$$$) {
    my ($block, $res, $raw_headers, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;
    $raw_headers //= '';

    if (defined $block->response_headers) {
        my $headers = parse_headers(get_indexed_value(
            $name, $block->response_headers, $req_idx, $need_array));

        for my $pair (@$headers) {
            my ($key, $val) = @$pair;
            if (!defined $val) {
                SKIP: {
                    skip "$name - response_headers - tests skipped due to $dry_run", 1
                        if $dry_run;
                    unlike($raw_headers, qr/^\s*\Q$key\E\s*:/ms,
                           "$name - header $key not present in the raw headers");
                }
                next;
            }

            $val = _expand_server_port($val);
            my $actual = $res ? $res->header($key) : undef;
            $actual //= '';

            SKIP: {
                skip "$name - response_headers - tests skipped due to $dry_run", 1
                    if $dry_run;
                is($actual, $val, "$name - header $key ok");
            }
        }

    } elsif (defined $block->response_headers_like) {
        my $headers = parse_headers(get_indexed_value(
            $name, $block->response_headers_like, $req_idx, $need_array));

        for my $pair (@$headers) {
            my ($key, $val) = @$pair;
            $val //= '';
            my $actual = $res ? $res->header($key) : undef;
            $actual //= '';
            SKIP: {
                skip "$name - response_headers_like - tests skipped due to $dry_run", 1
                    if $dry_run;
                like($actual, qr/^$val$/, "$name - header $key like ok");
            }
        }
    }
}

# --- response_body_filters: builtin names or code refs applied to the
# actual body before it is compared.
sub _run_body_filter ($$$) {
    my ($block, $filter, $content) = @_;
    my $name = $block->name;

    return $filter->($content) if ref $filter eq 'CODE';

    if (!ref $filter) {
        my %builtin = (
            md5_hex  => sub { Digest::MD5::md5_hex($_[0]) },
            sha1_hex => sub { Digest::SHA::sha1_hex($_[0]) },
            uc       => sub { uc $_[0] },
            lc       => sub { lc $_[0] },
            ucfirst  => sub { ucfirst $_[0] },
            lcfirst  => sub { lcfirst $_[0] },
            length   => sub { length $_[0] },
        );
        my $f = $builtin{$filter}
            or bail_out("$name - unknown filter, \"$filter\", specified in the --- response_body_filters section");
        return $f->($content);
    }

    bail_out("$name - the --- response_body_filters section only supports subroutine reference values and string values");
}

sub transform_response_body ($$$) {
    my ($block, $res, $req_idx) = @_;
    return unless defined $res;

    my $content = $res->content;
    return unless defined $content;

    my $filters = $block->response_body_filters;
    return unless defined $filters;

    my $name = $block->name;
    if (!ref $filters) {
        $filters =~ s/^\s+|\s+$//gs;
        $filters = [ split /\s+/, $filters ];
    } elsif (ref $filters ne 'ARRAY') {
        $filters = [ $filters ];
    }

    my $chain = $filters;
    if (ref $filters->[0] eq 'ARRAY') {
        # Two-dimensional: one filter list per request.
        for my $elem (@$filters) {
            bail_out("$name - the --- response_body_filters two-dimensional array "
                     . "only be like [[uc], [lc]] not [[uc], lc]")
                if ref $elem ne 'ARRAY';
        }
        $chain = $filters->[$req_idx];
        bail_out("$name - the ---response_body_filters two-dimensional array "
                 . "unmatch the specified request($req_idx)")
            unless defined $chain;
    }

    $content = _run_body_filter($block, $_, $content)
        for (ref $chain eq 'ARRAY' ? @$chain : ($chain));
    $res->content($content);
}

sub _body_for_compare ($) {
    my $res = shift;
    my $content = $res ? $res->content : undef;
    if (defined $content) {
        $content =~ s/^TE: deflate,gzip;q=0\.3\r\n//gm;
        $content =~ s/^Connection: TE, close\r\n//gm;
    }
    return $content;
}

# One assertion for --- response_body (exact, or like() for a qr//), else
# one for --- response_body_like / _unlike; then the custom body checks.
sub check_response_body ($$$$$$) {
    my ($block, $res, $dry_run, $req_idx, $repeated_req_idx, $need_array) = @_;
    my $name = $block->name;

    if (defined $block->response_body || defined $block->response_body_eval) {
        my $content = _body_for_compare($res);

        my $expected;
        if ($block->response_body_eval) {
            diag "$name - response_body_eval is DEPRECATED. Use response_body eval instead.";
            $expected = eval get_indexed_value($name, $block->response_body_eval,
                                               $req_idx, $need_array);
            warn $@ if $@;
        } else {
            $expected = get_indexed_value($name, $block->response_body,
                                          $req_idx, $need_array);
        }

        if ($block->charset) {
            Encode::from_to($expected, 'UTF-8', $block->charset);
        }

        if (defined $expected && !ref $expected) {
            $expected = _expand_server_port($expected);
            $expected = expand_env_in_text($expected, $name,
                                           $Test::Nginx::Util::CurrentRandPorts);
        }

        SKIP: {
            skip "$name - response_body - tests skipped due to $dry_run", 1 if $dry_run;
            my $what = "(repeated req $repeated_req_idx, req $req_idx)";
            if (ref $expected) {
                like($content, $expected, "$name - response_body - like $what");
            } elsif ($NoLongString) {
                is($content, $expected, "$name - response_body - response is expected $what");
            } else {
                is_string($content, $expected,
                          "$name - response_body - response is expected $what");
            }
        }

    } elsif (defined $block->response_body_like
             || defined $block->response_body_unlike)
    {
        my ($type, $patterns) = defined $block->response_body_like
            ? ('like',   $block->response_body_like)
            : ('unlike', $block->response_body_unlike);

        my $content = _body_for_compare($res);
        my $pat = get_indexed_value($name, $patterns, $req_idx, $need_array);
        $pat = _expand_server_port($pat) unless ref $pat;
        my $summary = trim($content) // '';

        SKIP: {
            skip "$name - response_body_$type - tests skipped due to $dry_run", 1
                if $dry_run;
            my $desc = "$name - response_body_$type - response is expected ($summary)";
            if ($type eq 'like') {
                like($content, qr/$pat/s, $desc);
            } else {
                unlike($content, qr/$pat/s, $desc);
            }
        }
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, ($res ? $res->content : undef),
                 $req_idx, $repeated_req_idx, $dry_run);
    }
}

# ---------------------------------------------------------------------------
# Log checks
# ---------------------------------------------------------------------------

# Does the section value (string, qr// or array of them) mention $pat?
sub value_contains ($$) {
    my ($val, $pat) = @_;
    return $val =~ /\Q$pat\E/ if !ref $val || ref $val eq 'Regexp';
    if (ref $val eq 'ARRAY') {
        for my $v (@$val) {
            return 1 if value_contains($v, $pat);
        }
    }
    return undef;
}

# A log-check section as a list of patterns: one per line of a string, or
# the qr// / array produced by an eval filter.
sub _pattern_list ($) {
    my $pats = shift;
    if (!ref $pats) {
        chomp $pats;
        return [ split /\n+/, $pats ];
    }
    return [ $pats ] if ref $pats eq 'Regexp';
    return [ @$pats ];
}

# Strings match as substrings, qr// objects as regexes.
sub _line_matches ($$) {
    my ($line, $pat) = @_;
    return 1 if ref $pat && $line =~ /$pat/;
    return $line =~ /\Q$pat\E/;
}

sub fmt_str ($) {
    my $str = shift;
    chomp $str;
    $str =~ s/"/\\"/g;
    $str =~ s/\r/\\r/g;
    $str =~ s/\n/\\n/g;
    return $str;
}

# "must appear" checks: one pass or fail per pattern.
sub _check_log_present ($$$$$$) {
    my ($name, $pats, $lines, $dry_run, $section, $file_label) = @_;
    my @pending = @{ _pattern_list($pats) };

    for my $line (@$lines) {
        for my $pat (@pending) {
            next unless defined $pat;
            next unless _line_matches($line, $pat);
            SKIP: {
                skip "$name - $section - tests skipped due to $dry_run", 1 if $dry_run;
                pass("$name - pattern \"$pat\" matches a line in $file_label");
            }
            undef $pat;
        }
    }

    for my $pat (grep { defined } @pending) {
        SKIP: {
            skip "$name - $section - tests skipped due to $dry_run", 1 if $dry_run;
            fail("$name - pattern \"$pat\" should match a line in $file_label");
        }
    }
}

# "must not appear" checks: one pass per absent pattern, one failure per
# offending line.
sub _check_log_absent ($$$$$$) {
    my ($name, $pats, $lines, $dry_run, $section, $file_label) = @_;
    my @pats = @{ _pattern_list($pats) };
    my %found;

    for my $i (0 .. $#$lines) {
        my $line = $lines->[$i];
        for my $pat (@pats) {
            next unless defined $pat;
            next unless _line_matches($line, $pat);

            # A pattern matching several lines produces several failures,
            # which breaks the plan; don't complain about that as well.
            Test::More->builder->no_ending(1) if $found{$pat}++;

            SKIP: {
                skip "$name - $section - tests skipped due to $dry_run ($line)", 1
                    if $dry_run;
                my $ln = fmt_str($line);
                my $p  = fmt_str($pat);
                my $last = min($i + 10, @$lines - 1);
                my @more = @$lines[$i + 1 .. $last - 1];
                fail("$name - pattern \"$p\" should not match any line in "
                     . "$file_label but matches line \"$ln\"\n" . join('', @more));
            }
        }
    }

    for my $pat (@pats) {
        next if !defined $pat || $found{$pat};
        SKIP: {
            skip "$name - $section - tests skipped due to $dry_run", 1 if $dry_run;
            my $p = fmt_str($pat);
            pass("$name - pattern \"$p\" does not match a line in $file_label");
        }
    }
}

# Runs after each request of a multi-request block and once more at the
# end, against the error.log lines written since the previous check.
sub check_error_log ($$$$$) {
    my ($block, $res, $dry_run, $repeated_req_idx, $need_array) = @_;
    my $name = $block->name;
    my $lines;
    my $label = "error.log (req $repeated_req_idx)";

    # Unmentioned [alert]/[crit]/[emerg] lines only produce warnings.
    my %warn_about = map { $_ => 1 }
        ('writing a global lua variable', '[alert', '[crit', '[emerg');

    # --- grep_error_log / --- grep_error_log_out
    my $grep_pat;
    my $grep_pats = $block->grep_error_log;
    if (defined $grep_pats) {
        $grep_pat = ref $grep_pats eq 'ARRAY' ? $grep_pats->[$repeated_req_idx]
                                               : $grep_pats;
    } elsif (defined $block->grep_error_log_out) {
        bail_out("$name - No --- grep_error_log defined but --- grep_error_log_out is defined");
    }

    if (defined $grep_pat) {
        my $expected = $block->grep_error_log_out;
        bail_out("$name - No --- grep_error_log_out defined but --- grep_error_log is defined")
            unless defined $expected;
        $expected = $expected->[$repeated_req_idx] if ref $expected eq 'ARRAY';
        if (defined $expected && !ref $expected) {
            $expected = expand_env_in_text($expected, $name,
                                           $Test::Nginx::Util::CurrentRandPorts);
        }

        SKIP: {
            skip "$name - error_log - tests skipped due to $dry_run", 1 if $dry_run;
            $lines ||= error_log_data();

            my $matched = '';
            for my $line (@$lines) {
                my $hit;
                if (ref $grep_pat && $line =~ /$grep_pat/) {
                    $hit = $&;
                } elsif ($line =~ /\Q$grep_pat\E/) {
                    $hit = $&;
                }
                $matched .= "$hit\n" if defined $hit && $hit !~ /\n/;
            }

            my $desc = "$name - grep_error_log_out (req $repeated_req_idx)";
            if (ref $expected eq 'Regexp') {
                like($matched, $expected, $desc);
            } elsif ($NoLongString) {
                is($matched, $expected, $desc);
            } else {
                is_string($matched, $expected, $desc);
            }
        }
    }

    for my $section (qw(error_log no_error_log)) {
        my $pats = $block->$section;
        next unless defined $pats;

        for my $key (keys %warn_about) {
            delete $warn_about{$key} if value_contains($pats, $key);
        }

        $lines ||= error_log_data();
        if ($section eq 'error_log') {
            _check_log_present($name, $pats, $lines, $dry_run, $section, $label);
        } else {
            _check_log_absent($name, $pats, $lines, $dry_run, $section, $label);
        }
    }

    if (!$dry_run) {
        for my $key (sort keys %warn_about) {
            $lines ||= error_log_data();
            my $re = $key =~ /^\[(\w+)$/ ? qr/\[$1\]/ : qr/\Q$key\E/;
            for my $line (@$lines) {
                next unless $line =~ $re;
                my $ln = fmt_str($line);
                warn "WARNING: $name - $ln\n";
            }
        }
    }

    # C assertion failures logged by nginx are always test failures.
    for my $line (@{ $lines || [] }) {
        next unless $line =~ /\bAssertion .*?failed\b/;
        Test::More->builder->no_ending(1);
        chomp(my $copy = $line);
        fail("$name - $copy\n");
    }
}

sub check_access_log ($$$) {
    my ($block, $dry_run, $repeated_req_idx) = @_;
    my $name = $block->name;
    my $lines;
    my $label = "access.log (req $repeated_req_idx)";

    if (defined(my $pats = $block->access_log)) {
        $lines ||= access_log_data();
        _check_log_present($name, $pats, $lines, $dry_run, 'access_log', $label);
    }

    if (defined(my $pats = $block->no_access_log)) {
        $lines ||= access_log_data();
        _check_log_absent($name, $pats, $lines, $dry_run, 'no_access_log', $label);
    }
}

# systemtap is not supported: a block with --- stap yields one skipped
# assertion per repeat, exactly like the real module without
# TEST_NGINX_USE_STAP.
sub test_stap ($$) {
    my ($block, $dry_run) = @_;
    return unless $block->{stap};

    my $name = $block->name;
    my $reason = $dry_run ? "the lack of directive $dry_run"
                          : "env TEST_NGINX_USE_STAP is not set";
    SKIP: {
        skip "$name - stap_out - tests skipped due to $reason", 1;
    }
}

# ---------------------------------------------------------------------------
# Per-repeat driver
# ---------------------------------------------------------------------------

# Send every request of the block and check every response.  Called once
# per repeat by Test::Nginx::Util::run_test.
sub run_test_helper ($$$) {
    my ($block, $dry_run, $repeated_req_idx) = @_;
    my $name = $block->name;

    my $reqs = get_req_from_block($block);
    bail_out("$name - request empty") unless @$reqs;

    for my $unsupported (qw(tcp_listen udp_listen http2 http3 curl)) {
        next unless defined $block->$unsupported;
        warn "WARNING: $name - --- $unsupported is not supported by the bundled Test::Nginx clone\n";
    }

    my $timeout = parse_time($block->timeout);
    $timeout = timeout() unless defined $timeout;

    my ($res, $need_array);
    my $req_idx = 0;

    for my $one_req (@$reqs) {
        my ($raw, $head_req);
        if ($dry_run) {
            $raw = "200 OK HTTP/1.0\r\nContent-Length: 0\r\n\r\n";
        } else {
            ($raw, $head_req) = send_request($one_req,
                                             $block->raw_request_middle_delay,
                                             $timeout, $block);
        }

        # Pipelined requests share one connection: all responses come back
        # in $raw and are peeled off one after another.
        my $pending = 0;
        if ($block->pipelined_requests) {
            $pending = @{ $block->pipelined_requests };
            $need_array = 1;
        } else {
            $need_array = @$reqs > 1;
        }

        while (1) {
            $raw //= '';
            my ($raw_headers, $left);

            if (!defined $block->ignore_response) {
                if (defined $block->http09) {
                    $res = HTTP::Response->new(200, 'OK', [], $raw);
                    $raw_headers = '';
                } else {
                    ($res, $raw_headers, $left) = parse_response($name, $raw, $head_req);
                }
            }

            if (!$pending) {
                if ($left) {
                    (my $shown = $left) =~ s/([\0-\037\200-\377])/sprintf('\x{%02x}', ord $1)/eg;
                    warn "WARNING: $name - unexpected extra bytes after last chunk in ",
                         "response: \"$shown\"\n";
                }
            } else {
                $raw = $left;
                $pending--;
            }

            if (!defined $block->ignore_response) {
                check_error_code($block, $res, $dry_run, $req_idx, $need_array);
                check_raw_response_headers($block, $raw_headers, $dry_run,
                                           $req_idx, $need_array);
                check_response_headers($block, $res, $raw_headers, $dry_run,
                                       $req_idx, $need_array);
                transform_response_body($block, $res, $req_idx);
                check_response_body($block, $res, $dry_run, $req_idx,
                                    $repeated_req_idx, $need_array);
            }

            # Intermediate log checks between the requests of one block.
            if ($pending || $req_idx < $#$reqs) {
                sleep $block->wait if $block->wait;
                check_error_log($block, $res, $dry_run, $repeated_req_idx, $need_array);
                check_access_log($block, $dry_run, $repeated_req_idx)
                    unless defined $block->ignore_response;
            }

            $req_idx++;
            last unless $pending;
        }
    }

    sleep $block->wait if $block->wait;

    test_stap($block, $dry_run);

    check_error_log($block, $res, $dry_run, $repeated_req_idx, $need_array);
    check_access_log($block, $dry_run, $repeated_req_idx)
        unless defined $block->ignore_response;
}

1;
__END__

=head1 NAME

Test::Nginx::Socket - bundled clone of the CPAN Test::Nginx::Socket

=head1 SYNOPSIS

    use Test::Nginx::Socket;

    repeat_each(2);
    plan tests => repeat_each() * 2 * blocks();

    run_tests();

    __DATA__

    === TEST 1: hello
    --- config
        location = /t { return 200 "hello\n"; }
    --- request
        GET /t
    --- response_body
    hello

=head1 DESCRIPTION

A self-written re-implementation of openresty/test-nginx's
Test::Nginx::Socket for environments where the CPAN distribution is not
available.  The same test files run unchanged under both; see
F</work/shared/TEST-NGINX.md> (project shared notes) for the behaviour
reproduced, and the comments in this file and in L<Test::Nginx::Util>.

Not implemented: HUP reload, valgrind, systemtap (C<--- stap> yields a
skipped assertion), leak-check and benchmark modes, HTTP/2 and HTTP/3 via
curl, the mock C<tcp_listen> / C<udp_listen> servers and
C<shutdown_error_log>.

=cut
