# The api_openapi document against real traffic: @stoplight/prism-cli's
# proxy (tools/npm, installed by tools/deps) stands in front of nginx with
# the document nginx serves and validates every response; a response
# that breaks the document gets an sl-violations header.  A slice of the
# suite's traffic goes through it: every operation and most statuses of
# the api, api_keys, api_health and api_openapi locations.
#
# HEAD is left out: prism 5.16 fails on a HEAD answer whose Content-Type
# is JSON (it tries to parse the empty body).  Malformed JSON is left out
# too: prism's body parser never answers such a request; and prism
# forwards a body it has parsed and encoded again (no duplicate keys).

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use File::Temp qw(tempfile);
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep);

$ENV{TEST_NGINX_PRISM_PORT} ||= ($ENV{TEST_NGINX_PORT} || 1984) - 80;

repeat_each(1);

# status, body, the proxy started, 45 requests, 3 more checks, the log
plan tests => repeat_each() * (1 + 1 + 1 + 45 + 3 + 1);

our $Prism = 'tools/npm/node_modules/.bin/prism';
our $Port = $ENV{TEST_NGINX_PRISM_PORT};

# Starts the proxy with the document in $file; returns its pid once it
# listens.
sub prism_start {
    my ($file, $upstream) = @_;
    die "$Prism is missing: run tools/deps\n" if !-x $Prism;
    my (undef, $log) = tempfile(SUFFIX => '.log', UNLINK => 1, TMPDIR => 1);
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', $log;
        open STDERR, '>&', \*STDOUT;
        exec $Prism, 'proxy', $file, $upstream, '-p', $Port,
             '-h', '127.0.0.1';
        exit 127;
    }
    for (1 .. 300) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $Port, Timeout => 1);
        return $pid if $s;
        last if waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    kill 'TERM', $pid;
    waitpid $pid, 0;
    die "prism did not start:\n" . `cat $log`;
}

# The response-side violations prism reported for a response.
sub violations {
    my $r = shift;
    my $v = $r->{headers}{'sl-violations'};
    return '' if !defined $v;
    return join '; ', map { join('.', @{ $_->{location} }) . ": "
                            . $_->{message} }
                      grep { $_->{location}[0] eq 'response' }
                      @{ decode_json($v) };
}

run_tests();

__DATA__

=== TEST 1: every response of the slice matches the document
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;
--- config
    location = /openapi.json { api_openapi; }
    location = /health { api_health; }
    location = /live { api_health live; }
    location /v1/ {
        api;
        api_collection items probe;
        api_idempotency on;
    }
    location /limited/ {
        api;
        api_collection items;
        api_limit_req zone=z;
    }
    location /private/ {
        api;
        api_collection items;
        api_key on;
    }
    location /admin/keys/ { api_keys; }
--- request
GET /openapi.json
--- api_check
my $d = decode_json($body);
# the control: the document, less one status a probe request gets
delete $d->{paths}{'/v1/probe/{id}'}{get}{responses}{404};
my ($fh, $file) = tempfile(SUFFIX => '.json', UNLINK => 1, TMPDIR => 1);
print $fh encode_json($d);
close $fh;
my $pid = prism_start($file, 'http://127.0.0.1:'
                             . ($ENV{TEST_NGINX_SERVER_PORT} || 1984));
ok($pid, "prism proxy listens on $Port");

my $json = 'Content-Type: application/json';
my $merge = 'Content-Type: application/merge-patch+json';
my $via = sub {
    my ($want, $method, $path, @opt) = @_;
    my $r = http_request($method, $path, @opt, port => $Port);
    is(($r->{status} // 'none') . ' ' . (violations($r) || 'valid'),
       "$want valid", "$method $path: $want");
    return $r;
};

my $r = $via->(201, 'POST', '/v1/items', body => '{"name":"a"}',
               headers => [$json]);
my $loc = $r->{headers}{location};
my $etag = $r->{headers}{etag};
$via->(200, 'GET', $loc);
$via->(304, 'GET', $loc, headers => ["If-None-Match: $etag"]);
$via->(201, 'PUT', '/v1/items/p1', body => '{"b":1}', headers => [$json]);
$via->(200, 'PUT', '/v1/items/p1', body => '{"b":2}', headers => [$json]);
$via->(412, 'PUT', '/v1/items/p1', body => '{"b":3}',
       headers => [$json, 'If-None-Match: *']);
$via->(200, 'PATCH', $loc, body => '{"c":1}',
       headers => [$merge, "If-Match: $etag"]);
$via->(412, 'PATCH', $loc, body => '{"c":2}',
       headers => [$merge, "If-Match: $etag"]);
$via->(200, 'PATCH', $loc, body => '{"d":1}',
       headers => [$merge, 'Idempotency-Key: k1']);
$r = $via->(200, 'PATCH', $loc, body => '{"d":1}',
            headers => [$merge, 'Idempotency-Key: k1']);
is($r->{headers}{'idempotent-replayed'}, 'true', 'a replay');
$via->(422, 'PATCH', $loc, body => '{"d":2}',
       headers => [$merge, 'Idempotency-Key: k1']);
$via->(400, 'PATCH', $loc, body => '{"d":2}',
       headers => [$merge, 'Idempotency-Key: "a" "b"']);
$via->(409, 'POST', '/v1/items', body => '{"id":"p1"}', headers => [$json]);
$via->(415, 'POST', '/v1/items', body => 'x',
       headers => ['Content-Type: text/plain']);
$via->(400, 'POST', '/v1/items', body => '[1]', headers => [$json]);
$r = $via->(200, 'GET', '/v1/items?limit=1');
like($r->{headers}{link}, qr/rel="next"/, 'a Link to the next page');
$via->(200, 'GET', '/v1/items?limit=5');
$via->(400, 'GET', '/v1/items?limit=0');
$via->(400, 'GET', '/v1/items?cursor=bm9uZQ!');
$via->(404, 'GET', '/v1/items/none');
$via->(400, 'GET', '/v1/items/a:b');
$via->(412, 'DELETE', '/v1/items/p1', headers => ['If-Match: "x"']);
$via->(204, 'DELETE', '/v1/items/p1');
$via->(404, 'DELETE', '/v1/items/p1');
$via->(204, 'OPTIONS', '/v1/items');
$via->(204, 'OPTIONS', '/v1/items/x');
$via->(200, 'GET', '/health');
$via->(200, 'GET', '/live');
$r = $via->(200, 'GET', '/openapi.json');
$via->(304, 'GET', '/openapi.json',
       headers => ["If-None-Match: $r->{headers}{etag}"]);

$r = $via->(201, 'POST', '/admin/keys/',
            body => '{"name":"bot","scopes":["read"]}', headers => [$json]);
my $key = decode_json($r->{body})->{key};
$via->(409, 'POST', '/admin/keys/', body => '{"name":"bot","scopes":["read"]}',
       headers => [$json]);
$via->(400, 'POST', '/admin/keys/', body => '{"name":"bot"}',
       headers => [$json]);
$via->(200, 'GET', '/admin/keys/');
$via->(200, 'GET', '/admin/keys/bot');
$via->(404, 'GET', '/admin/keys/nobody');
$via->(204, 'OPTIONS', '/admin/keys/bot');
$via->(401, 'GET', '/private/items/x');
$via->(404, 'GET', '/private/items/x',
       headers => ["Authorization: Bearer $key"]);
$via->(403, 'POST', '/private/items', body => '{}',
       headers => [$json, "Authorization: Bearer $key"]);
$via->(204, 'DELETE', '/admin/keys/bot');

$via->(404, 'GET', '/limited/items/x');
$via->(429, 'GET', '/limited/items/x');

# the control: prism does report a response the document does not allow
$r = http_request('GET', '/v1/probe/none', port => $Port);
like(violations($r), qr/response/, 'an undocumented 404 is a violation');

redis_stop();
$via->(503, 'GET', '/v1/items/x');
$via->(503, 'GET', '/health');
redis_start();

kill 'TERM', $pid;
waitpid $pid, 0;
--- response_body_like: "openapi":"3\.1\.0"
--- no_error_log
[alert]
