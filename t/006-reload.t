# nginx -s reload with commands in flight: nothing fails, old workers go.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);
master_on();
workers(1);

plan tests => repeat_each() * 7;

run_tests();

__DATA__

=== TEST 1: reload while 20 requests wait on a paused Redis
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
my $master = nginx_master_pid();
my @old = worker_pids($master);
my @st = http_burst(20, '/health',
                    before  => sub { redis_pause() },
                    between => sub {
                        sleep 0.2;
                        kill 'HUP', $master;
                        sleep 0.5;
                        redis_resume();
                    });
is(scalar(grep { defined $_ && $_ eq '200' } @st), 20,
   'every request in flight during the reload got 200');
my $t = wait_until(5, sub { !grep { kill 0, $_ } @old });
ok(defined $t, sprintf('old workers exited %.2fs after the replies',
                       $t // -1));
my ($status) = http_get('/health');
is($status, 200, 'the new worker serves');
--- response_body_like: "status":"up"
--- no_error_log
[alert]
[crit]
