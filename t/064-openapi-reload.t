# api_openapi: the document is made when the configuration is loaded, so
# a reload that adds a collection serves a new document with a new ETag.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use JSON::PP;

repeat_each(1);
master_on();
workers(1);

plan tests => repeat_each() * 8;

run_tests();

__DATA__

=== TEST 1: a reload makes a new document
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /openapi.json { api_openapi; }
    location /v1/ { api; api_collection items; }
--- request
GET /openapi.json
--- api_check
my $r = http_request('GET', '/openapi.json');
my $old = $r->{headers}{etag};
ok(!exists decode_json($r->{body})->{paths}{'/v1/extra'},
   'no "extra" collection yet');
my $conf = ApiTest::_servroot() . '/conf/nginx.conf';
open my $in, '<', $conf or die "$conf: $!";
my $text = do { local $/; <$in> };
close $in;
$text =~ s/api_collection items;/api_collection items extra;/
    or die "no api_collection in $conf";
open my $out, '>', $conf or die "$conf: $!";
print $out $text;
close $out;
my @old_workers = worker_pids();
kill 'HUP', nginx_master_pid();
# the old worker may still take a connection while it shuts down: wait
# until it is gone, then for the new document
my $t = wait_until(10, sub {
    return 0 if grep { kill 0, $_ } @old_workers;
    my $e = http_request('GET', '/openapi.json')->{headers}{etag};
    defined $e && $e ne $old;
});
ok(defined $t, 'after the reload, another ETag');
$r = http_request('GET', '/openapi.json');
ok(exists decode_json($r->{body})->{paths}{'/v1/extra/{id}'},
   'the new collection is in the document');
is(http_request('GET', '/openapi.json',
                headers => ["If-None-Match: $old"])->{status}, 200,
   'the old ETag no longer matches');
is(http_request('GET', '/openapi.json',
                headers => ["If-None-Match: $r->{headers}{etag}"])->{status},
   304, 'the new one does');
--- response_body_like: "/v1/items"
--- no_error_log
[alert]
