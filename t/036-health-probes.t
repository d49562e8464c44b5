# api_health live (liveness: no Redis) and ready (readiness: a PING within
# api_health_threshold).

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 35;

run_tests();

__DATA__

=== TEST 1: live answers without any Redis configured
--- config
    location = /live { api_health live; }
--- request
GET /live
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- response_body chomp
{"status":"ok"}
--- no_error_log
[error]
[alert]



=== TEST 2: Redis down: live 200, ready (explicit or not) 503
--- api_setup
redis_stop();
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /live { api_health live; }
    location = /ready { api_health ready; }
    location = /health { api_health; }
--- request eval
["GET /live", "GET /ready", "GET /health", "HEAD /live"]
--- error_code eval
[200, 503, 503, 200]
--- response_body_like eval
['^\{"status":"ok"\}$', '"code":"redis_unavailable"',
 '"code":"redis_unavailable"', '^$']
--- no_error_log
[alert]



=== TEST 3: live: other methods get 405
--- config
    location = /live { api_health live; }
--- request
DELETE /live
--- error_code: 405
--- response_headers
Allow: GET, HEAD
--- response_body_like: "code":"method_not_allowed"
--- no_error_log
[error]
[alert]



=== TEST 4: ready: a PING slower than the threshold is 503 redis_slow
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /ready {
        api_health ready;
        api_health_threshold 100ms;
    }
--- request
GET /ready
--- api_check
redis_pause();
later(0.3, sub { redis_resume() });
my $res = http_request('GET', '/ready');
is($res->{status}, 503, 'slow: 503');
like($res->{body}, qr/over the 100 ms threshold.*"code":"redis_slow"/,
     'redis_slow, with the time and the threshold');
is($res->{headers}{'retry-after'}, 1, 'Retry-After');
ok(error_log_like(qr/\[warn\].*api health: Redis answered PING in \d+\.\d+ ms/),
   'logged at warn');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]



=== TEST 5: an unknown mode fails at start
--- config
    location = /h { api_health maybe; }
--- must_die
--- suppress_stderr
--- error_log eval
qr/\[emerg\] .*invalid value "maybe" in "api_health": use "ready" or "live"/



=== TEST 6: ready needs api_redis_server, live does not
--- config
    location = /h { api_health ready; }
--- must_die
--- suppress_stderr
--- error_log eval
qr/\[emerg\] .*needs "api_redis_server" in the "http" block/
