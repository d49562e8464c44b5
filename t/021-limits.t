# api_limit_req: GCRA in Redis with a burst, several limits per location,
# dry run, RateLimit headers, in front of proxy_pass, each fail= mode, and
# one combined limit for two nginx nodes sharing the Redis.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use JSON::PP;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 74;

our $Json = JSON::PP->new->canonical;

$ENV{TEST_NGINX_BACKEND_PORT} = ($ENV{TEST_NGINX_PORT} || 1984) + 200;

sub get {
    my ($path, $client, %opt) = @_;
    return http_request('GET', $path,
                        headers => [defined $client ? "X-Client: $client"
                                                    : ()], %opt);
}

sub problem {
    my $res = shift;
    return eval { $Json->decode($res->{body}) } || {};
}

run_tests();

__DATA__

=== TEST 1: a burst of 2 at 1r/m: three pass, the fourth is refused
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_limit_req zone=per_client burst=2;
    }
--- request
GET /v1/items
--- more_headers
X-Client: main
--- response_headers
RateLimit-Policy: "per_client";q=1;w=60
RateLimit: "per_client";r=2;t=60
--- api_check
my @res = map { main::get('/v1/items', 'a') } 1 .. 4;
is(join(' ', map { $_->{status} } @res), '200 200 200 429',
   'three pass, the fourth is refused');
is(join(' | ', map { $_->{headers}{ratelimit} } @res),
   '"per_client";r=2;t=60 | "per_client";r=1;t=120 | '
   . '"per_client";r=0;t=180 | "per_client";r=0;t=180',
   'RateLimit counts down; t is the time to refill');
is($res[3]{headers}{'ratelimit-policy'}, '"per_client";q=1;w=60',
   'the refusal has the policy too');
like($res[3]{headers}{'retry-after'}, qr/^(59|60)$/,
     'Retry-After: when the next request is allowed');
is($res[3]{headers}{'content-type'}, 'application/problem+json',
   'the refusal is a problem');
my $p = main::problem($res[3]);
is("$p->{status} $p->{code}", '429 rate_limited', 'status and code');

my $other = main::get('/v1/items', 'b');
is($other->{status}, 200, 'another key has its own limit');

my $ttl = redis('PTTL', 'api:rl:per_client:a');
ok($ttl > 170_000 && $ttl <= 181_000, "the state expires when refilled ($ttl)");
--- no_error_log
[error]
[alert]



=== TEST 2: dry run: counts and logs, never refuses
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=trial:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_limit_req zone=trial dry_run;
    }
--- request
GET /v1/items
--- more_headers
X-Client: main
--- api_check
my @res = map { main::get('/v1/items', 'a') } 1 .. 3;
is(join(' ', map { $_->{status} } @res), '200 200 200', 'none refused');
is($res[2]{headers}{ratelimit}, '"trial";r=0;t=60',
   'the headers say the limit was reached');
ok(wait_until(3, sub { error_log_like(
       qr/\[info\].*dry run, over the limit of zone "trial", key "a"/) }),
   'the would-be refusal is logged');
--- no_error_log
[error]
[alert]



=== TEST 3: several limits: decided together, a refusal counts nowhere
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
    api_limit_req_zone everyone zone=global:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_limit_req zone=per_client burst=5;
        api_limit_req zone=global burst=1;
    }
--- request
GET /v1/items
--- more_headers
X-Client: main
--- response_headers
RateLimit-Policy: "per_client";q=1;w=60, "global";q=1;w=60
RateLimit: "per_client";r=5;t=60, "global";r=1;t=60
--- api_check
my $a1 = main::get('/v1/items', 'a');
my $a2 = main::get('/v1/items', 'a');
my $b1 = main::get('/v1/items', 'b');
is("$a1->{status} $a2->{status} $b1->{status}", '200 429 429',
   'the global limit refuses once spent');
is($a1->{headers}{ratelimit}, '"per_client";r=5;t=60, "global";r=0;t=120',
   'each limit counts the accepted request');
is($a2->{headers}{ratelimit}, '"per_client";r=5;t=60, "global";r=0;t=120',
   'a refused request is not counted by the limit that passed it');
is(redis('GET', 'api:rl:per_client:b'), undef,
   'nothing stored for a key whose every request was refused');
--- no_error_log
[error]
[alert]



=== TEST 4: an empty key is not limited
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_limit_req zone=per_client;
    }
--- request
GET /v1/items
--- api_check
my @res = map { main::get('/v1/items') } 1 .. 3;
is(join(' ', map { $_->{status} } @res), '200 200 200', 'never refused');
ok(!exists $res[0]{headers}{ratelimit}, 'no RateLimit header');
is(redis('DBSIZE'), 0, 'nothing stored');
--- no_error_log
[error]
[alert]



=== TEST 5: in front of proxy_pass: refused requests never reach the backend
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;

    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        access_log logs/backend.log;
        location / { return 200 "backend\n"; }
    }
--- config
    location /app/ {
        api_limit_req zone=per_client burst=1;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/;
    }
--- request
GET /app/x
--- more_headers
X-Client: main
--- response_body
backend
--- response_headers
RateLimit: "per_client";r=1;t=60
--- api_check
my @res = map { main::get('/app/x', 'a') } 1 .. 5;
is(join(' ', map { $_->{status} } @res), '200 200 429 429 429',
   'the limit holds in front of the backend');
is($res[0]{headers}{ratelimit}, '"per_client";r=1;t=60',
   'proxied answers carry RateLimit');
my $log = Test::Nginx::Socket::server_root() . '/logs/backend.log';
my $n = 0;
wait_until(2, sub {
    open my $fh, '<', $log or return 0;
    my @lines = <$fh>;
    $n = @lines;
    return $n >= 3;
});
is($n, 3, 'the backend saw the main request and the two accepted ones');
--- no_error_log
[error]
[alert]



=== TEST 6: Redis down, fail=open: requests pass, a warning once
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=lenient:1m rate=1r/m fail=open;
--- config
    location /app/ {
        api_limit_req zone=lenient;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- api_setup
redis_stop();
--- request
GET /app/ok.txt
--- more_headers
X-Client: main
--- response_body
ok
--- api_check
my @res = map { main::get('/app/ok.txt', 'a') } 1 .. 4;
is(join(' ', map { $_->{status} } @res), '200 200 200 200', 'all pass');
ok(!exists $res[0]{headers}{ratelimit}, 'no figures it does not have');
open my $fh, '<', Test::Nginx::Socket::server_root() . '/logs/error.log';
my $warnings = grep { /\[warn\].*zone "lenient" cannot use Redis .*failing open/ }
               <$fh>;
is($warnings, 1, 'one warning per interval, not one per request');
--- no_error_log
[alert]



=== TEST 7: Redis down, fail=closed: 503 problem with Retry-After
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=strict:1m rate=1r/m fail=closed;
--- config
    location /app/ {
        api_limit_req zone=strict;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- api_setup
redis_stop();
--- request
GET /app/ok.txt
--- more_headers
X-Client: main
--- error_code: 503
--- response_headers
Retry-After: 1
Content-Type: application/problem+json
--- response_body_like: "code":"ratelimit_unavailable"
--- error_log eval
qr/\[warn\].*zone "strict" cannot use Redis .*failing closed/
--- no_error_log
[alert]



=== TEST 8: Redis down, fail=local (the default): this node's own limit
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
--- config
    location /app/ {
        api_limit_req zone=per_client burst=2;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- api_setup
redis_stop();
--- request
GET /app/ok.txt
--- more_headers
X-Client: main
--- api_check
my @res = map { main::get('/app/ok.txt', 'a') } 1 .. 4;
is(join(' ', map { $_->{status} } @res), '200 200 200 429',
   'the same limit, kept on this node');
is($res[1]{headers}{ratelimit}, '"per_client";r=1;t=120',
   'with the same figures');
like($res[3]{headers}{'retry-after'}, qr/^(59|60)$/, 'and Retry-After');
ok(error_log_like(qr/\[warn\].*zone "per_client" cannot use Redis .*failing to the local limit/),
   'the fallback is logged');

# Redis back: the shared limit again (a fresh key there)
redis_start();
my $back = wait_until(5, sub { main::get('/app/ok.txt', 'z')->{headers}{ratelimit}
                               // '' and redis('EXISTS', 'api:rl:per_client:z') });
ok($back, 'the shared limit is used again once Redis is back');
--- no_error_log
[alert]



=== TEST 9: two nginx nodes, one Redis: one combined limit
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=shared:1m rate=10r/s;
--- config
    location /app/ {
        api_limit_req zone=shared burst=5;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- request
GET /app/ok.txt
--- api_check
my $port2 = second_nginx(
    http => "    api_redis_server 127.0.0.1:$ApiTest::RedisPort;\n"
            . "    api_limit_req_zone \$http_x_client zone=shared:1m "
            . "rate=10r/s;\n",
    server => "        location /app/ { api_limit_req zone=shared burst=5; "
              . "alias html/; }\n",
    files => { 'ok.txt' => "ok\n" });

# hammer for 3 s: one node alone, then both nodes with another key
sub hammer {
    my ($key, @ports) = @_;
    my ($ok, $start) = (0, time);
    while (time - $start < 3) {
        for my $p (@ports) {
            my $res = http_request('GET', '/app/ok.txt', port => $p || undef,
                                   headers => ["X-Client: $key"]);
            $ok++ if ($res->{status} // 0) == 200;
        }
        sleep 0.005;
    }
    return $ok;
}

my $one = hammer('solo', 0);
my $two = hammer('duo', 0, $port2);
ok($one >= 30 && $one <= 42, "one node accepts about 6 + 3 s x 10 r/s ($one)");
ok(abs($two - $one) <= 0.1 * $one,
   "two nodes together accept what one does ($two vs $one)");
second_nginx_stop();
--- no_error_log
[error]
[alert]



=== TEST 10: a client that leaves while the limit is being decided is harmless
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
--- config
    location /app/ {
        api_limit_req zone=per_client burst=5;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- request
GET /app/ok.txt
--- api_check
my $pid = nginx_master_pid();
redis_pause();
for (1 .. 5) {
    my $h = http_start('GET', '/app/ok.txt', headers => ['X-Client: gone']);
    http_finish($h, close => 1);
}
sleep 0.3;
redis_resume();
my $res = main::get('/app/ok.txt', 'gone');
is($res->{status}, 200, 'the next request is served');
ok($pid && kill(0, $pid) && nginx_master_pid() == $pid,
   'the same nginx process: nothing crashed');
--- no_error_log
[alert]
[error]



=== TEST 11: the decisions are counted in api_metrics
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $http_x_client zone=per_client:1m rate=1r/m;
    api_limit_req_zone $http_x_client zone=trial:1m rate=1r/m;
--- config
    location = /metrics { api_metrics; }
    location /app/ {
        api_limit_req zone=per_client burst=1;
        alias html/;
    }
    location /try/ {
        api_limit_req zone=trial dry_run;
        alias html/;
    }
--- user_files
>>> ok.txt
ok
--- request
GET /metrics
--- api_check
use ApiMetrics;
my $d = sub {
    my $m = scrape('/metrics');
    return map { sample($m, 'nginx_api_ratelimit_decisions_total',
                        decision => $_) }
           qw(passed rejected dry_run failed_open failed_closed local);
};
my @before = $d->();
main::get('/app/ok.txt', 'a') for 1 .. 3;      # 2 passed, 1 rejected
main::get('/try/ok.txt', 'a') for 1 .. 2;      # 1 passed, 1 dry run
redis_stop();
main::get('/app/ok.txt', 'b');                 # decided locally
my @after = $d->();
is(join(' ', map { $after[$_] - $before[$_] } 0 .. 5), '3 1 1 0 0 1',
   'passed rejected dry_run failed_open failed_closed local');
--- no_error_log
[alert]
