# api_health: a real PING through the engine; clear problems when Redis is
# down; recovery by itself.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 44;

run_tests();

__DATA__

=== TEST 1: Redis up: 200 with the round trip time
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { api_health; }
--- request
GET /health
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- response_body_like: ^\{"status":"ok","redis":\{"status":"up","latency_ms":\d+\.\d{3}\}\}$
--- no_error_log
[error]
[alert]



=== TEST 2: HEAD: the same headers, no body
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { api_health; }
--- request
HEAD /health
--- response_headers
Content-Type: application/json
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 3: other methods: 405 problem with Allow
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { api_health; }
--- request
POST /health
{"a":1}
--- error_code: 405
--- response_headers
Allow: GET, HEAD
Content-Type: application/problem+json
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:method_not_allowed","title":"Method Not Allowed","status":405,"detail":"Use GET or HEAD\.","code":"method_not_allowed","request_id":"[0-9a-f]{32}"\}$
--- no_error_log
[error]
[alert]



=== TEST 4: Redis down at start: 503 problem at once (connect timeout 5s)
--- api_setup
redis_stop();
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connect_timeout 5s;
--- config
    location = /health { api_health; }
--- request
GET /health
--- timeout: 1
--- error_code: 503
--- response_headers
Content-Type: application/problem+json
Retry-After: 1
Cache-Control: no-store
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:redis_unavailable","title":"Service Unavailable","status":503,"detail":"[^"]+","code":"redis_unavailable","request_id":"[0-9a-f]{32}"\}$
--- error_log
failed: Connection refused
--- no_error_log
[alert]



=== TEST 5: Redis stops and starts again: 200, 503, 200 with no reload
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { api_health; }
--- request eval
["GET /health", "GET /health", "GET /health"]
--- api_check
if ($req == 0) {
    redis_stop();
    sleep 0.1;
}
if ($req == 1) {
    ok(error_log_like(qr/connection to "127\.0\.0\.1:\d+" lost/),
       "the lost connection is logged");
    redis_start();
    my $up = time;
    # service is back within a second of Redis accepting connections
    my $t = wait_until(3, sub { ((http_get('/health'))[0] // '') eq '200' });
    ok(defined $t && $t < 1.0,
       "healthy again " . sprintf("%.3f", time - $up) . "s after Redis");
}
--- timeout: 2
--- error_code eval
[200, 503, 200]
--- no_error_log
[alert]
[crit]



=== TEST 6: a unix socket
--- http_config
    api_redis_server unix:$TEST_NGINX_REDIS_SOCKET;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
my @c = redis_clients();
is(scalar(grep { /\baddr=\/\S+redis\.sock/ } @c), 2,
   "both connections use the unix socket");
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]



=== TEST 7: a host name, resolved when the configuration is read
--- http_config
    api_redis_server localhost:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { api_health; }
--- request
GET /health
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]
