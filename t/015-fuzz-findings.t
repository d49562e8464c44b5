# Inputs the fuzz targets (fuzz/) found breaking a contract, replayed
# against the module in nginx: each keeps its documented answer.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use JSON::PP ();

repeat_each(1);

plan tests => repeat_each() * 7;

run_tests();

__DATA__

=== TEST 1: a malformed body cutting a UTF-8 character still gets UTF-8
fuzz_json: jansson quotes the input near the error ("invalid escape near
'"\<0xc3>'"), cutting "é" after a backslash; the problem body must stay
valid UTF-8 JSON.
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
    }
--- more_headers
Content-Type: application/json
--- request eval
"POST /v1/items\n{\"a\":\"\\\xc3\xa9\"}"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"invalid_json"
--- api_check
my $r = http_request('POST', '/v1/items', body => "{\"a\":\"\\\xc3\xa9\"}",
                     headers => ['Content-Type: application/json']);
my $p = eval { JSON::PP->new->utf8->decode($r->{body}) };
ok($p, 'the problem body is UTF-8 JSON') or diag($@, $r->{body});
like($p && $p->{detail}, qr/^Malformed JSON at line 1, column \d+: /,
     'the detail says where');
--- no_error_log
[error]
[alert]
