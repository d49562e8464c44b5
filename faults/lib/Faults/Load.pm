package Faults::Load;

# A non-blocking HTTP/1.1 load client (core Perl only: Socket, IO::Select,
# Time::HiRes) for the fault-injection suite.
#
# One process, N concurrent connections ("slots"), each with at most one
# request in flight.  A slot asks a generator for its next request; every
# request is recorded: send time, completion time, status or transport
# failure, Content-Type, problem code, ETag, and for writes the request and
# response bodies.  Used two ways:
#
#   Faults::Load::run_load(%opt)   steady mixed load (POST / GET / PATCH) at
#                                  a target rate until SIGUSR2 (drain, then
#                                  exit) or the hard duration; writes the
#                                  records to $opt{out}.  SIGUSR1: forget
#                                  every id known so far (Redis lost its data).
#   Faults::Load::run(%opt)        the engine itself, with a caller's
#                                  generator (verification GETs).
#
# Record fields (TSV, see FIELDS): a transport failure has status 0 and err
# one of connect, reset, eof, timeout; "reused" is 1 when the request went
# out on a kept-alive connection.

use strict;
use warnings;

use Errno qw(EAGAIN EWOULDBLOCK EINPROGRESS EINTR);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use IO::Select;
use Socket qw(PF_INET SOCK_STREAM SOL_SOCKET SO_ERROR IPPROTO_TCP
              TCP_NODELAY inet_aton pack_sockaddr_in);
use Time::HiRes qw(time);

our @FIELDS = qw(seq slot kind method path id t0 t1 status err ctype code
                 etag reused wseq req_body resp_body);

sub esc {
    my $s = shift;
    return '' if !defined $s;
    $s =~ s/\\/\\\\/g;
    $s =~ s/\t/\\t/g;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    return $s;
}

sub unesc {
    my $s = shift;
    return '' if !defined $s;
    $s =~ s/\\([\\tnr])/$1 eq 't' ? "\t" : $1 eq 'n' ? "\n" : $1 eq 'r' ? "\r" : "\\"/ge;
    return $s;
}

sub write_records {
    my ($file, $recs) = @_;
    open my $fh, '>', "$file.tmp" or die "$file.tmp: $!\n";
    print {$fh} join("\t", @FIELDS), "\n";
    for my $r (@$recs) {
        print {$fh} join("\t", map { esc($r->{$_}) } @FIELDS), "\n";
    }
    close $fh or die "$file.tmp: $!\n";
    rename "$file.tmp", $file or die "rename $file: $!\n";
}

sub read_records {
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!\n";
    my $head = <$fh>;
    chomp $head;
    my @f = split /\t/, $head;
    my @recs;
    while (my $line = <$fh>) {
        chomp $line;
        my @v = split /\t/, $line, -1;
        my %r;
        @r{@f} = map { unesc($_) } @v;
        push @recs, \%r;
    }
    close $fh;
    return \@recs;
}


# --- the engine --------------------------------------------------------------

# run(port => P, conns => N, rate => R (req/s in total, 0: as fast as the
#     answers come), next => sub($slot, $now) { {method, path, body, ctype,
#     kind, id, keepalive, ...} or undef (nothing now) or 'done' },
#     done => sub($rec), stop => sub { true: send no more },
#     end => T (absolute hard end), timeout => seconds per request)
# Returns when every slot is idle and stop() is true / next() is 'done'
# everywhere, or at the hard end (in-flight requests are recorded as
# "timeout" with the time they were abandoned).

sub run {
    my %o = @_;
    my $conns = $o{conns} || 48;
    my $timeout = $o{timeout} || 5;
    my $interval = ($o{rate} && $o{rate} > 0) ? $conns / $o{rate} : 0;
    my $addr = pack_sockaddr_in($o{port}, inet_aton('127.0.0.1'));
    my $seq = 0;
    my $end = $o{end} || (time + 3600);

    my @slot = map { { n => $_, sock => undef, state => 'idle',
                       next_at => time + ($interval ? rand($interval) : 0),
                       done => 0 } } 0 .. $conns - 1;
    my %by_fd;

    my $close = sub {
        my $s = shift;
        if ($s->{sock}) {
            delete $by_fd{ fileno($s->{sock}) };
            close $s->{sock};
        }
        $s->{sock} = undef;
        $s->{state} = 'idle';
    };

    my $finish = sub {
        my ($s, $status, $err, $resp) = @_;
        my $req = $s->{req};
        my $now = time;
        my %rec = (
            seq => $req->{seq}, slot => $s->{n}, kind => $req->{kind} // '',
            method => $req->{method}, path => $req->{path},
            id => $req->{id} // '', t0 => sprintf('%.6f', $req->{t0}),
            t1 => sprintf('%.6f', $now), status => $status,
            err => $err // '', reused => $req->{reused} ? 1 : 0,
            wseq => $req->{wseq} // '',
            req_body => ($req->{method} eq 'GET' ? '' : $req->{body} // ''),
        );
        if ($resp) {
            my $h = $resp->{headers};
            $rec{ctype} = $h->{'content-type'} // '';
            $rec{etag} = $h->{etag} // '';
            $rec{location} = $h->{location} // '';
            my $body = $resp->{body} // '';
            if ($status !~ /^2/ || $req->{method} ne 'GET' || $req->{keep_body}) {
                $rec{resp_body} = length($body) > 2000 ? substr($body, 0, 2000) : $body;
            }
            ($rec{code}) = $body =~ /"code"\s*:\s*"([^"]*)"/
                if $rec{ctype} =~ m{problem\+json};
            $rec{code} //= '';
            $rec{location} = $h->{location} // '';
        }
        $s->{req} = undef;
        $s->{rbuf} = '';
        if ($resp && $resp->{keepalive} && $req->{keepalive}) {
            $s->{state} = 'idle';
        } else {
            $close->($s);
        }
        $s->{next_at} = $interval ? $req->{t0} + $interval : $now;
        $o{done}->(\%rec, $req) if $o{done};
    };

    my $start = sub {
        my ($s, $now) = @_;
        my $req = $o{next}->($s->{n}, $now);
        if (!defined $req) {
            $s->{next_at} = $now + 0.01;
            return;
        }
        if (!ref $req) {
            $s->{done} = 1;
            $close->($s);
            return;
        }
        $req->{seq} = $seq++;
        $req->{keepalive} //= 1;
        my $body = $req->{body};
        my $head = "$req->{method} $req->{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        $head .= "Connection: close\r\n" if !$req->{keepalive};
        $head .= "Content-Type: $req->{ctype}\r\n" if $req->{ctype};
        $head .= 'Content-Length: ' . length($body) . "\r\n" if defined $body;
        $s->{wbuf} = $head . "\r\n" . ($body // '');
        $s->{rbuf} = '';
        $s->{req} = $req;

        # a kept-alive connection the server has closed meanwhile is
        # readable (EOF): open a new one rather than race the close
        if ($s->{sock}) {
            my $sel = IO::Select->new($s->{sock});
            $close->($s) if $sel->can_read(0);
        }

        $req->{t0} = time;
        $req->{deadline} = $req->{t0} + $timeout;

        if ($s->{sock}) {
            $req->{reused} = 1;
            $s->{state} = 'write';
            return;
        }

        my $sock;
        if (!socket($sock, PF_INET, SOCK_STREAM, 0)) {
            $finish->($s, 0, "connect");
            return;
        }
        my $fl = fcntl($sock, F_GETFL, 0);
        fcntl($sock, F_SETFL, $fl | O_NONBLOCK);
        setsockopt($sock, IPPROTO_TCP, TCP_NODELAY, 1);
        $s->{sock} = $sock;
        $by_fd{ fileno $sock } = $s;
        if (connect($sock, $addr)) {
            $s->{state} = 'write';
        } elsif ($! == EINPROGRESS || $! == EAGAIN) {
            $s->{state} = 'connect';
        } else {
            $close->($s);
            $finish->($s, 0, 'connect');
        }
    };

    my $do_write = sub {
        my $s = shift;
        my $n = syswrite($s->{sock}, $s->{wbuf});
        if (!defined $n) {
            return if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
            $close->($s);
            $finish->($s, 0, 'reset');
            return;
        }
        substr($s->{wbuf}, 0, $n, '');
        $s->{state} = 'read' if $s->{wbuf} eq '';
    };

    my $do_read = sub {
        my $s = shift;
        my $n = sysread($s->{sock}, $s->{rbuf}, 65536, length $s->{rbuf});
        if (!defined $n) {
            return if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
            $close->($s);
            $finish->($s, 0, 'reset');
            return;
        }
        my $eof = $n == 0;
        my $resp = parse_response(\$s->{rbuf}, $s->{req}{method}, $eof);
        if ($resp) {
            $close->($s) if $eof;
            $finish->($s, $resp->{status}, '', $resp);
            return;
        }
        if ($eof) {
            $close->($s);
            $finish->($s, 0, 'eof');
        }
    };

    while (1) {
        my $now = time;
        my $stopping = $o{stop} ? $o{stop}->() : 0;

        if ($now >= $end || $stopping == 2) {
            for my $s (@slot) {
                next if !$s->{req};
                $close->($s);
                $finish->($s, 0, 'timeout');
            }
            last;
        }

        my $active = 0;
        my $wake = $now + 0.05;
        for my $s (@slot) {
            if (!$s->{req} && !$stopping && !$s->{done}) {
                if ($s->{next_at} <= $now) {
                    $start->($s, $now);
                } elsif ($s->{next_at} < $wake) {
                    $wake = $s->{next_at};
                }
            }
            if ($s->{req}) {
                if ($now >= $s->{req}{deadline}) {
                    $close->($s);
                    $finish->($s, 0, 'timeout');
                    next;
                }
                $active++;
                $wake = $s->{req}{deadline} if $s->{req}{deadline} < $wake;
            }
        }

        if (!$active) {
            last if $stopping;
            last if !grep { !$_->{done} } @slot;
        }

        my $rsel = IO::Select->new;
        my $wsel = IO::Select->new;
        for my $s (@slot) {
            next if !$s->{req} || !$s->{sock};
            if ($s->{state} eq 'read') {
                $rsel->add($s->{sock});
            } else {
                $wsel->add($s->{sock});
            }
        }
        my $wait = $wake - time;
        $wait = 0 if $wait < 0;
        if (!$rsel->count && !$wsel->count) {
            select(undef, undef, undef, $wait) if $wait > 0;
            next;
        }
        my ($r, $w) = IO::Select->select($rsel, $wsel, undef, $wait);
        for my $fh (@{ $w || [] }) {
            my $s = $by_fd{ fileno $fh } or next;
            next if !$s->{req};
            if ($s->{state} eq 'connect') {
                my $e = unpack('i', getsockopt($fh, SOL_SOCKET, SO_ERROR) // pack('i', 0));
                if ($e) {
                    $close->($s);
                    $finish->($s, 0, 'connect');
                    next;
                }
                $s->{state} = 'write';
            }
            $do_write->($s) if $s->{state} eq 'write';
        }
        for my $fh (@{ $r || [] }) {
            my $s = $by_fd{ fileno $fh } or next;
            next if !$s->{req} || $s->{state} ne 'read';
            $do_read->($s);
        }
    }

    $close->($_) for @slot;
}

# Parses one response at the start of $$buf; returns undef while it is
# incomplete.  {status, headers (lower-case names), body, keepalive}
sub parse_response {
    my ($buf, $method, $eof) = @_;
    my $i = index($$buf, "\r\n\r\n");
    return undef if $i < 0;
    my $head = substr($$buf, 0, $i);
    my @lines = split /\r\n/, $head;
    my $sl = shift @lines;
    my ($ver, $status) = $sl =~ m{^HTTP/(1\.[01]) (\d{3})} or return { status => 999, headers => {}, body => $$buf, keepalive => 0 };
    my %h;
    for (@lines) {
        $h{lc $1} = $2 if /^([^:]+):\s*(.*?)\s*$/;
    }
    my $rest = substr($$buf, $i + 4);
    my $body;
    if ($method eq 'HEAD' || $status == 204 || $status == 304 || $status < 200) {
        $body = '';
    } elsif (defined $h{'content-length'}) {
        return undef if length($rest) < $h{'content-length'};
        $body = substr($rest, 0, $h{'content-length'});
    } elsif (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        $body = '';
        my $p = 0;
        while (1) {
            my $j = index($rest, "\r\n", $p);
            return undef if $j < 0;
            my $len = hex(substr($rest, $p, $j - $p));
            if ($len == 0) {
                return undef if index($rest, "\r\n\r\n", $j) < 0
                                && substr($rest, $j, 4) ne "\r\n\r\n";
                last;
            }
            return undef if length($rest) < $j + 2 + $len + 2;
            $body .= substr($rest, $j + 2, $len);
            $p = $j + 2 + $len + 2;
        }
    } else {
        return undef if !$eof;
        $body = $rest;
    }
    my $conn = lc($h{connection} // '');
    my $ka = $ver eq '1.1' ? $conn !~ /close/ : $conn =~ /keep-alive/;
    return { status => $status, headers => \%h, body => $body, keepalive => $ka };
}


# --- the steady mixed load ---------------------------------------------------

# run_load(port, conns, rate, end (absolute), mix => {post, get, patch}
#   weights, keepalive (0..1: the share of requests on kept-alive
#   connections), out (records file), tag (a string in every document))
sub run_load {
    my %o = @_;
    my $mix = $o{mix} || { post => 4, get => 4, patch => 2 };
    my $total = 0;
    $total += $mix->{$_} for qw(post get patch);
    my $ka = $o{keepalive} // 1;
    my $tag = $o{tag} // 'f';
    my $pad = 'x' x 40;

    my (@recs, @ids);
    my %wseq;                     # per slot: write counter
    my $forget_at = 0;
    my $stop = 0;
    my $parent = getppid();
    local $SIG{USR1} = sub { @ids = (); $forget_at = time };
    local $SIG{USR2} = sub { $stop = 1 };
    local $SIG{TERM} = sub { $stop = 2 };
    local $SIG{INT} = 'IGNORE';   # the parent stops us
    local $SIG{PIPE} = 'IGNORE';

    run(
        port => $o{port}, conns => $o{conns}, rate => $o{rate},
        end => $o{end}, timeout => $o{timeout} || 5,
        # orphaned (the suite was killed): stop at once
        stop => sub { $stop = 2 if getppid() != $parent; $stop },
        next => sub {
            my ($slot) = @_;
            my $n = $wseq{$slot}++;
            my $pick = rand($total);
            my $keep = rand() < $ka ? 1 : 0;
            if (!@ids || $pick < $mix->{post}) {
                return {
                    kind => 'post', method => 'POST', path => '/v1/items',
                    ctype => 'application/json', wseq => $n, keepalive => $keep,
                    body => qq({"name":"$tag-$slot-$n","slot":$slot,"seq":$n,"pad":"$pad"}),
                };
            }
            # GET and PATCH go to the most recent 400 documents
            my $lo = @ids > 400 ? @ids - 400 : 0;
            my $id = $ids[$lo + int(rand(@ids - $lo))];
            if ($pick < $mix->{post} + $mix->{get}) {
                return { kind => 'get', method => 'GET', id => $id,
                         path => "/v1/items/$id", keepalive => $keep };
            }
            return {
                kind => 'patch', method => 'PATCH', id => $id,
                path => "/v1/items/$id", wseq => $n, keepalive => $keep,
                ctype => 'application/merge-patch+json',
                body => qq({"c$slot":$n}),
            };
        },
        done => sub {
            my ($rec, $req) = @_;
            if ($req->{kind} eq 'post' && $rec->{status} == 201) {
                my ($id) = ($rec->{location} // '') =~ m{/([^/]+)$};
                ($id) = ($rec->{resp_body} // '') =~ /"id"\s*:\s*"([^"]+)"/ if !$id;
                $rec->{id} = $id // '';
                push @ids, $id if $id && $req->{t0} >= $forget_at;
            }
            delete $rec->{location};
            push @recs, $rec;
        },
    );

    write_records($o{out}, \@recs);
    return scalar @recs;
}

1;
