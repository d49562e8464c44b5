# Many concurrent requests share the configured few connections.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);
worker_connections(1024);

plan tests => repeat_each() * 6;

run_tests();

__DATA__

=== TEST 1: 200 requests in flight at once ride on 3 pipelined connections
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connections 3;
    api_redis_timeout 5s;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
# Redis is paused while the 200 requests arrive, so all are in flight
my @st = http_burst(200, '/health',
                    before  => sub { redis_pause() },
                    between => sub { sleep 0.5; redis_resume() });
is(scalar(grep { defined $_ && $_ eq '200' } @st), 200,
   'all 200 requests answered 200');
my @c = redis_clients();
is(scalar(@c), 3, 'Redis sees exactly the 3 configured connections');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]
