# api_metrics output passes `promtool check metrics` (Debian's prometheus
# package; make test installs it), label values are escaped.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiMetrics;

repeat_each(1);

plan tests => repeat_each() * 13;

run_tests();

__DATA__

=== TEST 1: after traffic of every kind, promtool finds no problem
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location = /status { api_status; }
    location = /health { api_health; }
    location = /live { api_health live; }
    location /v1/ { api; api_collection items; }
    location /odd/ { api_metrics_location 'a "quoted" \\back\\slash'; return 204; }
--- request
GET /metrics
--- api_check
seed_doc('items', 'a1', '{"x":1}');
http_get('/v1/items/a1');
http_get('/v1/items/none');
http_request('POST', '/v1/items', body => '{"a":1}',
             headers => ['Content-Type: application/json']);
http_request('PUT', '/v1/items/b', body => 'not json',
             headers => ['Content-Type: application/json']);
http_request('OPTIONS', '/v1/items');
http_request('BREW', '/v1/items');
http_get('/health');
http_get('/live');
http_get('/status');
http_get('/odd/');
my $m = scrape();
is(sample($m, 'nginx_api_requests_total',
          location => 'a \\"quoted\\" \\\\back\\\\slash', method => 'GET',
          status_class => '2xx'), 1, 'the label value is escaped');
is(sample($m, 'nginx_api_requests_total', location => '/v1/',
          method => 'OTHER', status_class => '4xx'), 1,
   'an unknown method is OTHER');
SKIP: {
    skip 'promtool is not installed (apt-get install prometheus)', 2
        if !promtool();
    my ($rc, $out) = promtool_check($ApiMetrics::LastText);
    is($rc, 0, 'promtool check metrics exits 0');
    is($out, '', 'and reports nothing');
}
--- response_body_like: ^# HELP
--- no_error_log
[error]
[alert]



=== TEST 2: with Redis down as well
--- api_setup
redis_stop();
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location = /health { api_health; }
--- request
GET /metrics
--- api_check
http_get('/health') for 1 .. 3;
my $m = scrape();
ok(sample($m, 'nginx_api_redis_errors_total', type => 'connect') > 0,
   'connect errors counted');
SKIP: {
    skip 'promtool is not installed (apt-get install prometheus)', 1
        if !promtool();
    my ($rc, $out) = promtool_check($ApiMetrics::LastText);
    is($rc . $out, '0', 'promtool check metrics passes');
}
--- response_body_like: ^# HELP
--- no_error_log
[alert]
