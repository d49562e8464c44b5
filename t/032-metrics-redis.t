# api_metrics: what the Redis engine's counters and gauges do when Redis
# goes away and comes back, stalls, or answers with an error.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiMetrics;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 37;

sub conns {
    my ($m, $state) = @_;
    return sample($m, 'nginx_api_redis_connections', state => $state);
}

sub errors {
    my ($b, $a, $type) = @_;
    return delta($b, $a, 'nginx_api_redis_errors_total', type => $type);
}

run_tests();

__DATA__

=== TEST 1: Redis down, then up: lost, connect errors, reconnects, states
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connections 2;
--- config
    location = /metrics { api_metrics; }
    location = /health { api_health; }
--- request
GET /metrics
--- api_check
my $b = scrape();
is(conns($b, 'ready') . '/' . conns($b, 'down'), '2/0', 'ready, none down');
redis_stop();
my $m;
ok(defined wait_until(3, sub { $m = scrape(); conns($m, 'down') == 2 }),
   'both connections go down');
my ($st) = http_get('/health');
is($st, 503, 'a request gets 503 at once');
sleep 0.3;
my $d = scrape();
is(errors($b, $d, 'lost'), 2, 'two ready connections lost');
ok(errors($b, $d, 'connect') >= 2, 'failed attempts to reconnect: '
   . errors($b, $d, 'connect'));
is(errors($b, $d, 'unavailable'), 1, 'one command had no connection');
is(conns($d, 'ready'), 0, 'none ready');
redis_start();
ok(defined wait_until(3, sub { $m = scrape(); conns($m, 'ready') == 2 }),
   'both connections ready again');
my $a = scrape();
is(delta($b, $a, 'nginx_api_redis_reconnects_total'),
   errors($b, $a, 'connect') + 2,
   'every reconnect attempt failed but the last one of each connection');
is(errors($d, $a, 'lost'), 0, 'no more connections lost');
is(conns($a, 'down') + conns($a, 'connecting') + conns($a, 'closing'), 0,
   'none down, connecting or closing');
($st) = http_get('/health');
is($st, 200, 'healthy again');
--- response_body_like: nginx_api_redis_connections
--- no_error_log
[alert]
[crit]



=== TEST 2: in flight while Redis is paused; a timeout
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connections 2;
    api_redis_timeout 500ms;
--- config
    location = /metrics { api_metrics; }
    location = /health { api_health; }
--- request
GET /metrics
--- api_check
my $b = scrape();
my $during;
my @st = http_burst(6, '/health',
                    before  => sub { redis_pause() },
                    between => sub { sleep 0.2; $during = scrape(); });
redis_resume();
is(sample($during, 'nginx_api_redis_commands_in_flight'), 6,
   '6 commands in flight while Redis is paused');
is(scalar(grep { $_ eq '504' } @st), 2,
   'the oldest command of each connection times out: 504');
is(scalar(grep { $_ eq '503' } @st), 4, 'the ones behind them fail: 503');
ok(defined wait_until(3, sub {
       sample(scrape(), 'nginx_api_redis_connections', state => 'ready') == 2
   }), 'both connections come back');
my $a = scrape();
is(delta($b, $a, 'nginx_api_redis_timeouts_total'), 2, 'two timeouts');
is(errors($b, $a, 'unavailable'), 4, 'four failed behind them');
is(delta($b, $a, 'nginx_api_redis_commands_total'), 6, 'six commands sent');
is(sample($a, 'nginx_api_redis_commands_in_flight'), 0, 'none in flight');
is(errors($b, $a, 'lost'), 0, 'a reset is not a lost connection');
--- response_body_like: nginx_api_redis_commands_in_flight 0
--- no_error_log
[alert]
[crit]



=== TEST 3: an error reply is an error; NOSCRIPT retried is not
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location /v1/ { api; api_collection items; }
--- request
GET /metrics
--- api_check
redis('SET', 'api:{items}:s1', 'a string, not a hash');
my $b = scrape();
my ($st) = http_get('/v1/items/s1');
is($st, 503, 'WRONGTYPE: 503');
redis('SCRIPT', 'FLUSH');
my $res = http_request('POST', '/v1/items', body => '{"a":1}',
                       headers => ['Content-Type: application/json']);
is($res->{status}, 201, 'a POST after SCRIPT FLUSH succeeds');
my $a = scrape();
is(errors($b, $a, 'reply'), 1, 'one error reply');
is(delta($b, $a, 'nginx_api_redis_commands_total'), 3,
   'HMGET, EVALSHA and its EVAL retry');
--- response_body_like: nginx_api_redis_errors_total\{type="reply"\} 0
--- no_error_log
[alert]
[crit]
