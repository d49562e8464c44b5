# api_status: valid JSON with the documented fields, the same figures as
# api_metrics, Redis's address, role and version, every worker's engine.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiMetrics;
use JSON::PP ();

repeat_each(1);

plan tests => repeat_each() * 49;

our $ISO = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

sub conns_ok {
    my ($c, $what) = @_;
    return is(join(',', sort keys %$c), 'closing,connecting,down,ready',
              "$what: connections by state");
}

run_tests();

__DATA__

=== TEST 1: the documented fields, and the figures of api_metrics
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location = /status { api_status; }
    location /v1/ { api; api_collection items; }
--- request
GET /status
--- api_check
seed_doc('items', 'a1', '{"x":1}');
http_get('/v1/items/a1') for 1 .. 3;
http_get('/v1/items/none');
my $s = status_json();
my $m = scrape();
is($s->{version}, '0.1.0', 'module version');
like($s->{nginx}{version}, qr/^\d+\.\d+\.\d+$/, 'nginx version');
is($s->{nginx}{generation}, 0, 'no reload yet');
like($s->{nginx}{$_}, $ISO, "nginx.$_ is ISO 8601")
    for qw(load_timestamp timestamp);
like($s->{reset_timestamp}, $ISO, 'reset_timestamp');
ok($s->{nginx}{pid} > 0 && $s->{nginx}{ppid} > 0, 'pid and ppid');
my $r = $s->{redis};
is($r->{server}, "127.0.0.1:$RedisPort", 'the Redis address');
is($r->{status}, 'up', 'INFO answered');
is($r->{role}, 'master', 'role');
like($r->{version}, qr/^\d+\.\d+\.\d+$/, 'Redis version');
is($r->{in_flight}, 0, 'in_flight');
conns_ok($r->{connections}, 'redis');
is($r->{connections}{ready}, 2, 'two ready');
is($r->{commands}, sample($m, 'nginx_api_redis_commands_total'),
   'commands as in api_metrics (' . $r->{commands} . ')');
is(join(',', sort keys %{ $r->{errors} }),
   'connect,lost,reply,unavailable', 'errors by type');
is($r->{timeouts} . '/' . $r->{reconnects}, '0/0', 'timeouts, reconnects');
is(scalar @{ $s->{workers} }, 1, 'one worker');
my $w = $s->{workers}[0];
is($w->{pid}, $s->{nginx}{pid}, 'this worker answered');
like($w->{started}, $ISO, 'started');
ok($w->{requests} >= 4 && $w->{commands} >= 5, 'its requests and commands');
conns_ok($w->{connections}, 'worker');
my $l = $s->{locations}{'/v1/'};
is($l->{requests}{total}, 4, 'four API requests');
is($l->{requests}{GET}{'2xx'} . '/' . $l->{requests}{GET}{'4xx'}, '3/1',
   'by method and status class');
is($l->{requests}{GET}{'2xx'}, sample($m, 'nginx_api_requests_total',
   location => '/v1/', method => 'GET', status_class => '2xx'),
   'as in api_metrics');
is($l->{duration}{count}, 4, 'duration count');
is($l->{duration}{buckets}{'+Inf'}, 4, '+Inf bucket');
is(scalar keys %{ $l->{duration}{buckets} }, 13, '13 buckets');
ok(exists $s->{locations}{'/status'} && exists $s->{locations}{'/metrics'},
   'the endpoints count too');
is(join(',', map { scalar keys %{ $s->{$_} } } qw(ratelimit auth idempotency)),
   '6,6,3', 'policy counters');
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- response_body_like: ^\{"version":"0\.1\.0",
--- no_error_log
[error]
[alert]



=== TEST 2: Redis down: still 200, the engine's state says why
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /status { api_status; }
--- request
GET /status
--- api_check
redis_stop();
wait_until(3, sub { status_json()->{redis}{connections}{down} == 2 });
my $s = status_json();
is($s->{redis}{status}, 'unavailable', 'unavailable');
ok(!defined $s->{redis}{role} && !defined $s->{redis}{version},
   'role and version are null');
is($s->{redis}{connections}{down}, 2, 'both connections down');
ok($s->{redis}{errors}{lost} == 2, 'two lost');
--- response_body_like: "status":"up"
--- no_error_log
[alert]



=== TEST 3: no Redis configured
--- config
    location = /status { api_status; }
--- request
GET /status
--- api_check
my $s = status_json();
ok(!defined $s->{redis}{server}, 'server is null');
is($s->{redis}{status}, 'not_configured', 'not_configured');
--- response_body_like: "redis":\{"server":null,"status":"not_configured"
--- no_error_log
[error]
[alert]
