# api_metrics: counters move by exactly the requests sent, by location,
# method and status class; the latency histogram; which locations count.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiMetrics;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 76;

run_tests();

__DATA__

=== TEST 1: every request of a counted location, once, in its series
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location = /health { api_health; }
    location /v1/ { api; api_collection items; }
    location /plain/ { return 200 "plain\n"; }
    location /named/ { api_metrics_location static_files; return 204; }
--- request
GET /metrics
--- api_check
seed_doc('items', 'a1', '{"x":1}');
my $b = scrape();
http_get('/v1/items/a1') for 1 .. 7;
http_get('/v1/items/nope') for 1 .. 3;
http_request('POST', '/v1/items', body => '{"a":1}',
             headers => ['Content-Type: application/json']) for 1 .. 4;
http_request('DELETE', '/v1/items/a1');
http_request('HEAD', '/health') for 1 .. 2;
http_request('PATCH', '/health');
http_get('/plain/x') for 1 .. 5;
http_get('/named/x') for 1 .. 2;
my $a = scrape();
my @r = ('nginx_api_requests_total');
is(delta($b, $a, @r, location => '/v1/', method => 'GET',
         status_class => '2xx'), 7, '7 GET 2xx');
is(delta($b, $a, @r, location => '/v1/', method => 'GET',
         status_class => '4xx'), 3, '3 GET 4xx');
is(delta($b, $a, @r, location => '/v1/', method => 'POST',
         status_class => '2xx'), 4, '4 POST 2xx');
is(delta($b, $a, @r, location => '/v1/', method => 'DELETE',
         status_class => '2xx'), 1, '1 DELETE 2xx');
is(delta($b, $a, @r, location => '/health', method => 'HEAD',
         status_class => '2xx'), 2, '2 HEAD 2xx');
is(delta($b, $a, @r, location => '/health', method => 'PATCH',
         status_class => '4xx'), 1, '1 PATCH 405');
is(delta($b, $a, @r, location => 'static_files', method => 'GET',
         status_class => '2xx'), 2, 'a location named by api_metrics_location');
is(delta($b, $a, @r, location => '/metrics', method => 'GET',
         status_class => '2xx'), 1, 'the first scrape counts itself, once');
my $total = 0;
for my $k (keys %$a) {
    $total += $a->{$k} - ($b->{$k} // 0)
        if $k =~ /^nginx_api_requests_total\{/;
}
is($total, 7 + 3 + 4 + 1 + 2 + 1 + 2 + 1, 'nothing else was counted');
ok(!grep({ /location="\/plain\/"/ } keys %$a),
   'a location without the module is not counted');
is(delta($b, $a, 'nginx_api_request_duration_seconds_count',
         location => '/v1/'), 15, 'the histogram saw the 15 API requests');
is(delta($b, $a, 'nginx_api_request_duration_seconds_bucket',
         location => '/v1/', le => '+Inf'), 15, '+Inf bucket = count');
is(delta($b, $a, 'nginx_api_redis_commands_total'), 7 + 3 + 4 + 1 + 2,
   'one Redis command per API request and health check');
is(sample($a, 'nginx_api_redis_commands_in_flight'), 0, 'none in flight');
is(sample($a, 'nginx_api_redis_connections', state => 'ready'), 2,
   'both connections ready');
is(sample($a, 'nginx_api_workers'), 1, 'one process reports');
--- response_headers
Content-Type: text/plain; version=0.0.4; charset=utf-8
Cache-Control: no-store
--- response_body_like: ^# HELP nginx_api_info
--- no_error_log
[error]
[alert]



=== TEST 2: the histogram puts a slow request in its bucket
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location /v1/ { api; api_collection items; }
--- request
GET /metrics
--- api_check
seed_doc('items', 'a1', '{"x":1}');
http_get('/v1/items/a1');
my $b = scrape();
redis_pause();
later(0.3, sub { redis_resume() });
my $t0 = time;
my ($st) = http_get('/v1/items/a1');
my $took = time - $t0;
my $a = scrape();
is($st, 200, 'the slow GET succeeds');
my @h = ('nginx_api_request_duration_seconds_bucket', location => '/v1/');
is(delta($b, $a, @h, le => '0.1'), 0, 'not under 100 ms');
is(delta($b, $a, @h, le => '+Inf'), 1, 'in +Inf');
my $le = $took < 0.5 ? '0.5' : $took < 1 ? '1' : '2.5';
is(delta($b, $a, @h, le => $le), 1, "under $le s (took $took)");
my $sum = delta($b, $a, 'nginx_api_request_duration_seconds_sum',
                location => '/v1/');
ok($sum >= 0.2 && $sum <= $took + 0.01, "the sum grew by $sum s");
--- response_body_like: nginx_api_request_duration_seconds_bucket
--- no_error_log
[error]
[alert]



=== TEST 3: api_metrics_location: off, a shared name, if blocks
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location /v1/ {
        api;
        api_collection items;
        api_metrics_location off;
    }
    location /a/ { api_metrics_location shared; return 204; }
    location /b/ { api_metrics_location shared; return 404; }
    location /c/ {
        api_metrics_location ifs;
        if ($arg_x) {
            return 202;
        }
        return 200;
    }
--- request
GET /metrics
--- api_check
my $b = scrape();
http_get('/v1/items/a1');
http_get('/a/');
http_get('/b/');
http_get('/b/');
http_get('/c/?x=1');
http_get('/c/');
my $a = scrape();
my @r = ('nginx_api_requests_total');
ok(!grep({ /location="\/v1\/"/ } keys %$a), 'off: not counted');
is(delta($b, $a, @r, location => 'shared', method => 'GET',
         status_class => '2xx'), 1, 'shared name: the 204');
is(delta($b, $a, @r, location => 'shared', method => 'GET',
         status_class => '4xx'), 2, 'shared name: the 404s');
is(delta($b, $a, @r, location => 'ifs', method => 'GET',
         status_class => '2xx'), 2, 'an if block counts for its location');
--- response_body_like: nginx_api_requests_total
--- no_error_log
[error]
[alert]



=== TEST 4: the policy counters exist, at zero, with every label
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
--- request
GET /metrics
--- api_check
my $m = scrape();
my %want = (
    'nginx_api_ratelimit_decisions_total{decision="%s"}' =>
        [qw(passed rejected dry_run failed_open failed_closed local)],
    'nginx_api_auth_total{outcome="%s"}' =>
        [qw(ok missing invalid expired forbidden unavailable)],
    'nginx_api_idempotency_total{outcome="%s"}' =>
        [qw(replayed conflict mismatch)],
);
for my $f (sort keys %want) {
    for my $v (@{ $want{$f} }) {
        my $k = sprintf $f, $v;
        is($m->{$k}, '0', "$k is there, at 0");
    }
}
--- response_body_like: nginx_api_auth_total\{outcome="ok"\} 0
--- no_error_log
[error]
[alert]



=== TEST 5: other methods: 405 problem
--- config
    location = /metrics { api_metrics; }
--- request
POST /metrics
x
--- error_code: 405
--- response_headers
Allow: GET, HEAD
--- response_body_like: "code":"method_not_allowed"
--- no_error_log
[error]
[alert]



=== TEST 6: HEAD: the headers only
--- config
    location = /metrics { api_metrics; }
--- request
HEAD /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4; charset=utf-8
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 7: a location name too long for a label must be renamed
--- config
    location = /metrics { api_metrics; }
    location /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/ {
        api_metrics;
    }
--- must_die
--- suppress_stderr
--- error_log eval
qr/\[emerg\] .*is too long for the metrics: name it with "api_metrics_location"/



=== TEST 8: subrequests are not counted, even with log_subrequest on
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    log_subrequest on;
    location = /metrics { api_metrics; }
    location /page/ {
        ssi on;
        api_metrics_location page;
        alias html/;
    }
    location /part/ { api_metrics_location part; return 200 "part"; }
--- user_files
>>> p.html
<!--# include virtual="/part/a" --><!--# include virtual="/part/b" -->
--- request
GET /metrics
--- api_check
my $b = scrape();
my $res = http_request('GET', '/page/p.html');
like($res->{body}, qr/part.*part/s, 'the page has both parts');
my $a;
wait_until(2, sub { $a = scrape();
                    delta($b, $a, 'nginx_api_requests_total', location => 'page',
                          method => 'GET', status_class => '2xx') == 1 });
is(delta($b, $a, 'nginx_api_requests_total', location => 'page',
         method => 'GET', status_class => '2xx'), 1, 'the page: once');
is(delta($b, $a, 'nginx_api_requests_total', location => 'part',
         method => 'GET', status_class => '2xx'), 0, 'its subrequests: not');
--- no_error_log
[error]
[alert]
