package ApiCoexist;

# Helpers for t/041-coexist.t: the module beside every nginx module Debian
# ships (libnginx-mod-*, installed by tools/deps), in either load order.
#
#   debian_modules()     the .so paths of Debian's modules, in the order
#                        /etc/nginx/modules-enabled/ loads them (ndk before
#                        lua, stream before stream-geoip), ours left out
#   coexist_nginx(modules => [...], http => $text, server => $text)
#                        ApiTest's second nginx (a master and a worker, own
#                        port and prefix, stopped before the next block),
#                        with load_module lines in exactly the given order;
#                        returns {port, pid, workers, dir, error_log}
#   coexist_check($nginx)  the scenario both orders must pass: the API's
#                        CRUD, nchan publish/subscribe through the test
#                        Redis, no worker lost; 14 assertions
#
# The harness always puts TEST_NGINX_LOAD_MODULES first: that is one order
# (the harness's own nginx gives it); the second nginx gives the other.

use strict;
use warnings;

use Exporter 'import';
use Test::More;
use Time::HiRes qw(sleep);
use ApiTest;

our @EXPORT = qw(debian_modules coexist_nginx coexist_check
                 $CoexistHttp $CoexistServer);

my $enabled = $ENV{API_COEXIST_ENABLED} || '/etc/nginx/modules-enabled';

# The same http{} and server{} text for the harness's nginx and ours.
our $CoexistHttp = <<'_EOC_';
    variables_hash_max_size 2048;
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    upstream nchan_redis {
        nchan_redis_server redis://127.0.0.1:$TEST_NGINX_REDIS_PORT;
    }
_EOC_

our $CoexistServer = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items;
    }
    location ~ ^/pub/(\w+)$ {
        nchan_publisher;
        nchan_channel_id $1;
        nchan_redis_pass nchan_redis;
    }
    location ~ ^/sub/(\w+)$ {
        nchan_subscriber longpoll;
        nchan_channel_id $1;
        nchan_subscriber_first_message oldest;
        nchan_redis_pass nchan_redis;
    }
_EOC_

sub debian_modules {
    my @so;
    for my $f (sort glob "$enabled/*.conf") {
        open my $fh, '<', $f or die "$f: $!";
        while (<$fh>) {
            next if !/^\s*load_module\s+(\S+?)\s*;/;
            my $path = $1;
            $path = "/usr/lib/nginx/$path" if $path !~ m{^/};
            push @so, $path if $path !~ /ngx_http_api_module/;
        }
        close $fh;
    }
    return @so;
}

sub _expand {
    my $text = shift;
    $text =~ s/\$(TEST_NGINX_\w+)/$ENV{$1} \/\/ die "\$$1 is not set\n"/ge;
    return $text;
}

sub coexist_nginx {
    my %opt = @_;

    # ApiTest's second nginx loads TEST_NGINX_LOAD_MODULES in their order
    local $ENV{TEST_NGINX_LOAD_MODULES} = join ' ', @{ $opt{modules} };
    my $port = second_nginx(http => _expand($opt{http} // ''),
                            server => _expand($opt{server} // ''));
    my $root = eval { Test::Nginx::Socket::server_root() }
               || $ENV{TEST_NGINX_SERVROOT} || 't/servroot';
    my $dir = "$root-second";

    # nginx listens (ngx_init_cycle) before it writes its pid file
    wait_until(10, sub { -s "$dir/logs/nginx.pid" });
    open my $fh, '<', "$dir/logs/nginx.pid" or die "$dir: no pid: $!";
    my $pid = <$fh>;
    close $fh;
    chomp $pid;

    return { port => $port, pid => $pid, workers => 1, dir => $dir,
             error_log => "$dir/logs/error.log" };
}

sub _slurp {
    my $f = shift;
    open my $fh, '<', $f or return '';
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s;
}

# http_request with a bound on the whole exchange: with crashing workers
# the kernel accepts the connection and nobody ever answers
sub _req {
    my @args = @_;
    my $r = eval {
        local $SIG{ALRM} = sub { die "no answer in 3 s\n" };
        alarm 3;
        my $res = http_request(@args);
        alarm 0;
        $res;
    };
    alarm 0;
    return $r || { status => 'none', headers => {}, body => $@ };
}

sub coexist_check {
    my $n = shift;
    my $port = $n->{port};
    my %p = (port => $port);
    my $json = ['Content-Type: application/json'];

    ok(defined $port, 'nginx starts') or return fail_rest(13);
    # the master listens before it forks its workers
    my @workers;
    wait_until(10, sub {
        @workers = worker_pids($n->{pid});
        return @workers == $n->{workers};
    });
    is(scalar @workers, $n->{workers}, "$n->{workers} worker(s)");

    # the API: create, read, replace, patch, delete, through Redis
    my $r = _req('POST', '/v1/items', %p, headers => $json,
                         body => '{"name":"a"}');
    is($r->{status}, 201, 'POST 201');
    my ($id) = ($r->{headers}{location} // '') =~ m{/v1/items/(\w+)$};
    $id //= 'none';
    is(redis('HGET', "api:{items}:$id", 'd'), '{"name":"a"}',
       'Redis holds the document');
    $r = _req('PUT', "/v1/items/$id", %p, headers => $json,
                      body => '{"name":"b"}');
    is($r->{status}, 200, 'PUT 200');
    $r = _req('PATCH', "/v1/items/$id", %p,
                      headers => ['Content-Type: application/merge-patch+json'],
                      body => '{"n":1}');
    is("$r->{status} $r->{body}", qq(200 {"id":"$id","name":"b","n":1}),
       'PATCH 200, merged');
    $r = _req('DELETE', "/v1/items/$id", %p);
    is($r->{status}, 204, 'DELETE 204');
    $r = _req('GET', "/v1/items/$id", %p);
    is($r->{status}, 404, 'then GET 404');

    # nchan: its first command may wait for its Redis connection
    my $st;
    wait_until(10, sub {
        $r = _req('POST', '/pub/ch1', %p, body => 'hello');
        $st = $r->{status} // '';
        return $st ne '503';
    });
    is($st, 202, 'nchan publishes (202, no subscriber yet)');
    my @msg = @{ redis('KEYS', '{channel:/ch1}:msg:*') };
    my %h = @msg == 1 ? @{ redis('HGETALL', $msg[0]) } : ();
    is(scalar(@msg) . ' ' . join(',', grep { $h{$_} eq 'hello' } keys %h),
       '1 data', 'nchan stored the message in the test Redis');
    $r = _req('GET', '/sub/ch1', %p);
    is("$r->{status} $r->{body}", '200 hello',
       'nchan subscriber gets it from Redis');
    $r = _req('GET', '/v1/items', %p);
    is($r->{status}, 200, 'the API still answers');

    # no worker died: the same two, and no "exited on signal" at all
    is(join(' ', worker_pids($n->{pid})), join(' ', @workers),
       'the same workers');
    my @died = _slurp($n->{error_log}) =~ /^(.*exited on signal.*)$/mg;
    is(@died ? scalar(@died) . " times, first: $died[0]" : '', '',
       'no worker exited on a signal');
}

sub fail_rest {
    my $n = shift;
    fail('skipped: nginx did not start') for 1 .. $n;
    return;
}

1;
