# api_key: keys stored as SHA-256 digests, scopes, expiry, the per-worker
# cache (no round trip for a hot key, revocation within its lifetime), the
# api_keys management endpoint, and Redis being away.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use JSON::PP;
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 129;

our $Json = JSON::PP->new->canonical;

# A key as the management endpoint stores it.
sub seed_key {
    my ($key, $name, $scopes, $expires) = @_;
    redis('HSET', 'api:key:' . sha256_hex($key), 'name', $name,
          'scopes', $scopes, 'created', int(time),
          'expires', $expires // 0);
    redis('HSET', 'api:keys', $name, sha256_hex($key));
}

sub with_key {
    my ($method, $path, $key, %opt) = @_;
    my $extra = delete $opt{headers} || [];
    return http_request($method, $path,
                        headers => ["Authorization: Bearer $key", @$extra],
                        %opt);
}

sub problem {
    my $res = shift;
    return eval { $Json->decode($res->{body}) } || {};
}

sub hmget_calls {
    my $info = redis('INFO', 'commandstats');
    return $info =~ /cmdstat_hmget:calls=(\d+)/ ? $1 : 0;
}

$ENV{TEST_NGINX_BACKEND_PORT} = ($ENV{TEST_NGINX_PORT} || 1984) + 200;

before_each_block(sub {
    seed_key('ak_reader', 'reader', 'read');
    seed_key('ak_items_writer', 'items-writer', 'write:items');
    seed_key('ak_old', 'old', 'read write', int(time) - 10);
    seed_key('ak_later', 'later', 'read', int(time) + 3600);
});

run_tests();

__DATA__

=== TEST 1: no key: 401 with WWW-Authenticate: Bearer
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
Content-Type: application/problem+json
--- response_body_like: ^\{"type":.*"status":401,.*"code":"api_key_missing"
--- no_error_log
[error]
[alert]



=== TEST 2: an unknown key: 401 invalid_token
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_nobody
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- response_body_like: "code":"api_key_invalid"
--- no_error_log
[error]
[alert]



=== TEST 3: a malformed key and another scheme
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_reader extra
--- error_code: 401
--- response_body_like: "code":"api_key_invalid"
--- api_check
my $basic = http_request('GET', '/v1/items',
                         headers => ['Authorization: Basic dTpw']);
is($basic->{status}, 401, 'Basic is no key');
is(main::problem($basic)->{code}, 'api_key_missing', 'api_key_missing');
my $long = main::with_key('GET', '/v1/items', 'k' x 257);
is(main::problem($long)->{code}, 'api_key_invalid', 'a 257-byte key');
--- no_error_log
[error]
[alert]



=== TEST 4: a read key reads; writes need "write"
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_reader
--- response_body chomp
{"items":[],"next_cursor":null}
--- api_check
my $head = main::with_key('HEAD', '/v1/items', 'ak_reader');
is($head->{status}, 200, 'HEAD is a read');
my $post = main::with_key('POST', '/v1/items', 'ak_reader',
                          body => '{"a":1}',
                          headers => ['Content-Type: application/json']);
is($post->{status}, 403, 'POST needs write');
is($post->{headers}{'www-authenticate'},
   'Bearer realm="api", error="insufficient_scope", scope="write:items"',
   'WWW-Authenticate names the scope');
is(main::problem($post)->{code}, 'insufficient_scope', 'code');
is(redis('EXISTS', 'api:{items}'), 0, 'nothing written');
--- no_error_log
[error]
[alert]



=== TEST 5: a per-collection scope: write:items writes items only
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items users; api_key on; }
--- request
POST /v1/items
{"a":1}
--- more_headers
Authorization: Bearer ak_items_writer
Content-Type: application/json
--- error_code: 201
--- api_check
my $users = main::with_key('POST', '/v1/users', 'ak_items_writer',
                           body => '{"a":1}',
                           headers => ['Content-Type: application/json']);
is($users->{status}, 403, 'not another collection');
my $read = main::with_key('GET', '/v1/items', 'ak_items_writer');
is($read->{status}, 403, 'write does not imply read');
like($read->{headers}{'www-authenticate'}, qr/scope="read:items"/,
     'the missing scope');
--- no_error_log
[error]
[alert]



=== TEST 6: expired key: 401; a key that expires later works
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_old
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- response_body_like: "code":"api_key_expired"
--- api_check
is(main::with_key('GET', '/v1/items', 'ak_later')->{status}, 200,
   'not expired yet');
--- no_error_log
[error]
[alert]



=== TEST 7: api_key_header: the key in X-API-Key; Authorization is ignored
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api; api_collection items;
        api_key on;
        api_key_header X-API-Key;
    }
--- request
GET /v1/items
--- more_headers
X-API-Key: ak_reader
--- error_code: 200
--- api_check
my $bearer = main::with_key('GET', '/v1/items', 'ak_reader');
is($bearer->{status}, 401, 'the Bearer header is not where the key is');
--- no_error_log
[error]
[alert]



=== TEST 8: in front of proxy_pass, with api_key_scope
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "backend\n"; }
    }
--- config
    location /reports/ {
        api_key on;
        api_key_scope reports;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/;
    }
--- api_setup
main::seed_key('ak_reports', 'reports-reader', 'read:reports');
--- request
GET /reports/q1
--- more_headers
Authorization: Bearer ak_reports
--- response_body
backend
--- api_check
my $w = main::with_key('GET', '/reports/q1', 'ak_items_writer');
is($w->{status}, 403, 'another scope');
like($w->{headers}{'www-authenticate'}, qr/scope="read:reports"/,
     'the location\'s scope');
--- no_error_log
[error]
[alert]



=== TEST 9: "satisfy any": an allowed address needs no key
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api; api_collection items;
        satisfy any;
        allow 127.0.0.1;
        deny all;
        api_key on;
    }
--- request
GET /v1/items
--- error_code: 200
--- no_error_log
[error]
[alert]



=== TEST 10: a hot key costs no round trip; revocation within the lifetime
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_key_cache_valid 1s;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_reader
--- error_code: 200
--- api_check
my $before = main::hmget_calls();
my @st = map { main::with_key('GET', '/v1/items', 'ak_reader')->{status} }
         1 .. 20;
is("@st", join(' ', (200) x 20), 'cached: accepted');
is(main::hmget_calls(), $before, 'no lookup for a cached key');

# revoked behind the cache's back: refused once the entry is a second old
redis('DEL', 'api:key:' . sha256_hex('ak_reader'));
my $t0 = time;
my $waited = wait_until(3, sub {
    main::with_key('GET', '/v1/items', 'ak_reader')->{status} == 401 });
ok(defined $waited && $waited <= 1.3, 'refused within the cache lifetime');

# unknown keys are cached too: a key created meanwhile waits its turn
is(main::with_key('GET', '/v1/items', 'ak_new')->{status}, 401, 'unknown');
main::seed_key('ak_new', 'new', 'read');
is(main::with_key('GET', '/v1/items', 'ak_new')->{status}, 401,
   'the negative answer is cached');
ok(wait_until(3, sub {
       main::with_key('GET', '/v1/items', 'ak_new')->{status} == 200 }),
   'and expires');
--- no_error_log
[error]
[alert]



=== TEST 11: Redis down: an uncached key gets 503, a cached one passes
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /v1/items/none
--- more_headers
Authorization: Bearer ak_reader
--- error_code: 404
--- api_check
redis_stop();
my $res = main::with_key('GET', '/v1/items', 'ak_later');
is($res->{status}, 503, 'cannot check: 503');
is($res->{headers}{'retry-after'}, '1', 'Retry-After');
is(main::problem($res)->{code}, 'api_key_unavailable', 'code');
my $cached = main::with_key('GET', '/v1/items/none', 'ak_reader');
is($cached->{status}, 503, 'the cached key passes to the API (503 there)');
is(main::problem($cached)->{code}, 'redis_unavailable', 'the API\'s code');
--- no_error_log
[alert]



=== TEST 12: api_keys: create (the key shown once), list, get, revoke
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_key_cache_valid 500ms;
--- config
    location /keys/ {
        api_keys;
        allow 127.0.0.1;
        deny all;
    }
    location /v1/ { api; api_collection items; api_key on; }
--- request
POST /keys/
{"name":"ci-bot","scopes":["read","write:items"],"expires_in":3600}
--- more_headers
Content-Type: application/json
--- error_code: 201
--- response_headers
Location: /keys/ci-bot
Cache-Control: no-store
--- response_body_like: ^\{"name":"ci-bot","key":"ak_[A-Za-z0-9_-]{43}","scopes":\["read","write:items"\],"created":\d+,"expires":\d+\}$
--- api_check
my $created = eval { $main::Json->decode($body) } || {};
my $key = $created->{key} // '';
ok($created->{expires} - $created->{created} == 3600, 'expires_in');
unlike(redis_dump(), qr/\Q$key\E/, 'Redis never holds the key itself');
is(redis('HGET', 'api:key:' . sha256_hex($key), 'name'), 'ci-bot',
   'only its SHA-256');

is(main::with_key('POST', '/v1/items', $key, body => '{"a":1}',
                  headers => ['Content-Type: application/json'])->{status},
   201, 'the new key works');

my $list = http_request('GET', '/keys/');
is($list->{status}, 200, 'list');
my $items = eval { $main::Json->decode($list->{body})->{items} } || [];
is(join(',', map { $_->{name} } @$items), 'ci-bot,items-writer,later,old,reader',
   'every key, by name');
unlike($list->{body}, qr/"key"|\Q$key\E|[0-9a-f]{64}/,
       'no secret, no digest');
my ($bot) = grep { $_->{name} eq 'ci-bot' } @$items;
is($Json->encode($bot->{scopes}), '["read","write:items"]', 'scopes');

my $one = http_request('GET', '/keys/ci-bot');
is($one->{status}, 200, 'one key');
like($one->{body}, qr/^\{"name":"ci-bot","scopes":\["read","write:items"\],"created":\d+,"expires":\d+\}$/,
     'its description');
is(http_request('GET', '/keys/nobody')->{status}, 404, 'unknown name');

my $dup = http_request('POST', '/keys/',
                       body => '{"name":"ci-bot","scopes":["read"]}',
                       headers => ['Content-Type: application/json']);
is($dup->{status}, 409, 'the name is taken');
is(main::problem($dup)->{code}, 'key_exists', 'key_exists');

my $del = http_request('DELETE', '/keys/ci-bot');
is($del->{status}, 204, 'revoked');
is(http_request('DELETE', '/keys/ci-bot')->{status}, 404, 'already gone');
is(redis('HEXISTS', 'api:keys', 'ci-bot'), 0, 'out of the index');
is(redis('EXISTS', 'api:key:' . sha256_hex($key)), 0, 'record gone');
ok(wait_until(2, sub {
       main::with_key('GET', '/v1/items', $key)->{status} == 401 }),
   'refused once the cache entry is old');
--- no_error_log
[error]
[alert]



=== TEST 13: api_keys: every bad request is a 4xx problem and stores nothing
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /keys/ { api_keys; }
--- request
POST /keys/
{"name":"x","scopes":["read"],"extra":1}
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_body_like: "code":"invalid_key_request"
--- api_check
my $before = redis_dump();
my @bad = (
    '{"name":"x","scopes":[]}',
    '{"name":"x","scopes":["admin"]}',
    '{"name":"x","scopes":["read:"]}',
    '{"name":"x","scopes":["read:a b"]}',
    '{"name":"a/b","scopes":["read"]}',
    '{"name":"..","scopes":["read"]}',
    '{"name":"","scopes":["read"]}',
    '{"scopes":["read"]}',
    '{"name":"x","scopes":["read"],"expires_in":0}',
    '{"name":"x","scopes":["read"],"expires_in":"1"}',
    '{"name":"x","scopes":["read"],"expires_in":1e3}',
    '{"name":"x","name":"y","scopes":["read"]}',
    '["read"]',
    '{"name":"x",',
    '',
);
for my $b (@bad) {
    my $res = http_request('POST', '/keys/', body => $b,
                           headers => ['Content-Type: application/json']);
    is($res->{status}, 400, "400 for $b");
}
is(redis_dump(), $before, 'nothing stored');

my $type = http_request('POST', '/keys/', body => '{}',
                        headers => ['Content-Type: text/plain']);
is($type->{status}, 415, 'not JSON: 415');
my $put = http_request('PUT', '/keys/x', body => '{}');
is($put->{status}, 405, 'PUT: 405');
is($put->{headers}{allow}, 'GET, HEAD, DELETE, OPTIONS', 'Allow of a key');
my $del = http_request('DELETE', '/keys/');
is($del->{headers}{allow}, 'GET, HEAD, POST, OPTIONS', 'Allow of the list');
is(http_request('GET', '/keys/a%20b')->{status}, 404, 'not a name: 404');
--- no_error_log
[error]
[alert]



=== TEST 14: two nginx nodes: a revoked key is refused by both in time
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_key_cache_valid 1s;
--- config
    location /keys/ { api_keys; }
    location /app/ { api_key on; alias html/; }
--- user_files
>>> ok.txt
ok
--- request
GET /app/ok.txt
--- more_headers
Authorization: Bearer ak_reader
--- response_body
ok
--- api_check
my $port2 = second_nginx(
    http => "    api_redis_server 127.0.0.1:$ApiTest::RedisPort;\n"
            . "    api_key_cache_valid 1s;\n",
    server => "        location /app/ { api_key on; alias html/; }\n",
    files => { 'ok.txt' => "ok\n" });

for my $p (undef, $port2) {
    is(main::with_key('GET', '/app/ok.txt', 'ak_reader', port => $p)
           ->{status}, 200, 'accepted by node ' . ($p ? 2 : 1));
}

is(http_request('DELETE', '/keys/reader')->{status}, 204, 'revoked');

for my $p (undef, $port2) {
    my $t = wait_until(3, sub {
        main::with_key('GET', '/app/ok.txt', 'ak_reader', port => $p)
            ->{status} == 401 });
    ok(defined $t && $t <= 1.3,
       'refused by node ' . ($p ? 2 : 1) . ' within the cache lifetime ('
       . ($t // 'never') . ' s)');
}
second_nginx_stop();
--- no_error_log
[error]
[alert]



=== TEST 15: the outcomes are counted in api_metrics
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location /v1/ { api; api_collection items; api_key on; }
--- request
GET /metrics
--- api_check
use ApiMetrics;
my $d = sub {
    my $m = scrape('/metrics');
    return map { sample($m, 'nginx_api_auth_total', outcome => $_) }
           qw(ok missing invalid expired forbidden unavailable);
};
my @before = $d->();
main::with_key('GET', '/v1/items', 'ak_reader');           # ok
http_request('GET', '/v1/items');                          # missing
main::with_key('GET', '/v1/items', 'ak_nobody');           # invalid
main::with_key('GET', '/v1/items', 'ak_old');              # expired
main::with_key('GET', '/v1/items', 'ak_items_writer');     # forbidden
redis_stop();
main::with_key('GET', '/v1/items', 'ak_later');            # unavailable
my @after = $d->();
is(join(' ', map { $after[$_] - $before[$_] } 0 .. 5), '1 1 1 1 1 1',
   'ok missing invalid expired forbidden unavailable');
--- no_error_log
[alert]
