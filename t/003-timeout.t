# A Redis that accepts but does not answer: 504 after api_redis_timeout,
# then normal service once it answers again.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 26;

run_tests();

__DATA__

=== TEST 1: Redis paused (SIGSTOP): 504 problem after the timeout, then 200
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 300ms;
--- config
    location = /health { api_health; }
--- request eval
["GET /health", "GET /health", "GET /health"]
--- api_check
if ($req == 0) {
    redis_pause();
    $main::t0 = time;
}
if ($req == 1) {
    my $took = time - $main::t0;
    ok($took >= 0.29 && $took < 0.8,
       sprintf("the 504 came after the timeout (%.3fs)", $took));
    ok(error_log_like(qr/did not answer within 300 ms, resetting/),
       "the timeout is logged");
    redis_resume();
}
--- timeout: 3
--- error_code eval
[200, 504, 200]
--- response_body_like eval
['"status":"up"', '^\{"type":"urn:ngx-http-api:problem:redis_timeout","title":"Gateway Timeout","status":504,', '"status":"up"']
--- no_error_log
[alert]
[crit]



=== TEST 2: DEBUG SLEEP keeps Redis busy: 504, the connection is reset, 200
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connections 1;
    api_redis_timeout 200ms;
--- config
    location = /health { api_health; }
--- request eval
["GET /health", "GET /health", "GET /health"]
--- api_check
if ($req == 0) {
    # a second client makes Redis sleep for 0.6 s
    later(0, sub { redis('DEBUG', 'SLEEP', '0.6') });
    sleep 0.1;
}
if ($req == 1) {
    sleep 0.7;
}
--- timeout: 3
--- error_code eval
[200, 504, 200]
--- response_body_like eval
['"status":"up"', '"code":"redis_timeout"', '"status":"up"']
--- no_error_log
[alert]
[crit]
