# api_cors as a browser sees it: headless Chromium (Debian's chromium,
# which make test installs) loads a page from one loopback origin
# (127.0.0.1:$TEST_NGINX_PAGE_PORT) whose script calls the API on another
# (127.0.0.1:$TEST_NGINX_SERVER_PORT) with fetch(): POST, GET with
# If-None-Match, PATCH with If-Match and Idempotency-Key (and its replay),
# a 429, and a location without api_cors.  The page writes what fetch()
# saw into the DOM; chromium --dump-dom prints it.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use File::Temp qw(tempdir);
use JSON::PP;

$ENV{TEST_NGINX_PAGE_PORT} ||= ($ENV{TEST_NGINX_PORT} || 1984) - 79;

repeat_each(1);

plan tests => repeat_each() * 23;

our $Chromium = '/usr/bin/chromium';

# What the page's script left in <pre id="out">, as a Perl structure.
sub browse {
    my $url = shift;
    my $profile = tempdir(CLEANUP => 1);
    my @cmd = ($Chromium, qw(--headless --no-sandbox --disable-gpu
               --disable-quic --no-first-run --disable-background-networking
               --disable-component-update --disable-sync
               --virtual-time-budget=20000 --timeout=20000),
               "--user-data-dir=$profile", '--dump-dom', $url);
    my $dom = `@cmd 2>/dev/null`;
    my ($out) = $dom =~ m{<pre id="out">(.*?)</pre>}s;
    die "the page wrote no result:\n$dom\n" if !defined $out;
    $out =~ s/&lt;/</g;
    $out =~ s/&gt;/>/g;
    $out =~ s/&quot;/"/g;
    $out =~ s/&amp;/&/g;
    return decode_json($out);
}

run_tests();

__DATA__

=== TEST 1: what fetch() sees from another origin
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;
    server {
        listen 127.0.0.1:$TEST_NGINX_PAGE_PORT;
        location / { root html; }
        location = /favicon.ico { return 204; }
    }
--- config
    api_cors origins=http://127.0.0.1:$TEST_NGINX_PAGE_PORT max_age=1m;
    location /v1/ {
        api;
        api_collection items;
        api_idempotency on;
    }
    location /limited/ {
        api;
        api_collection items;
        api_limit_req zone=z;
    }
    location /closed/ {
        api;
        api_collection items;
        api_cors off;
    }
--- user_files
>>> page.html
<!DOCTYPE html>
<html><body><pre id="out"></pre><script>
const api = 'http://127.0.0.1:$TEST_NGINX_SERVER_PORT';
const json = 'application/json';
async function seen(r) {
    return { status: r.status, etag: r.headers.get('ETag'),
             location: r.headers.get('Location'),
             replayed: r.headers.get('Idempotent-Replayed'),
             retry: r.headers.get('Retry-After'),
             ratelimit: r.headers.get('RateLimit'),
             type: r.headers.get('Content-Type'),
             body: r.status === 304 ? null : await r.text() };
}
async function run() {
    const out = {};
    let r = await fetch(api + '/v1/items', { method: 'POST',
        headers: { 'Content-Type': json },
        body: JSON.stringify({ name: 'widget', price: 1 }) });
    out.post = await seen(r);
    const url = api + out.post.location;
    out.get = await seen(await fetch(url));
    out.get304 = await seen(await fetch(url,
        { headers: { 'If-None-Match': out.get.etag } }));
    const patch = { method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json',
                   'If-Match': out.post.etag, 'Idempotency-Key': 'k-1' },
        body: JSON.stringify({ price: 2 }) };
    out.patch = await seen(await fetch(url, patch));
    out.replay = await seen(await fetch(url, patch));
    out.first = await seen(await fetch(api + '/limited/items/none'));
    out.limited = await seen(await fetch(api + '/limited/items/none'));
    try {
        await fetch(api + '/closed/items/none');
        out.closed = 'read';
    } catch (e) {
        out.closed = e.name;
    }
    return out;
}
run().then(o => { document.getElementById('out').textContent =
                      JSON.stringify(o); },
           e => { document.getElementById('out').textContent =
                      JSON.stringify({ error: String(e) }); });
</script></body></html>
--- request
GET /v1/items/none
--- error_code: 404
--- api_check
SKIP: {
    skip "no $Chromium (apt-get install chromium)", 21 if !-x $Chromium;
    my $o = browse("http://127.0.0.1:$ENV{TEST_NGINX_PAGE_PORT}/page.html");
    is($o->{error}, undef, 'the script ran to its end');
    is($o->{post}{status}, 201, 'POST: 201');
    like($o->{post}{etag}, qr/^"[0-9A-Z]{26}"$/, 'ETag is exposed');
    like($o->{post}{location}, qr{^/v1/items/[0-9A-Z]{26}$},
         'Location is exposed');
    is($o->{post}{type}, 'application/json', 'a readable response');
    my $id = (split m{/}, $o->{post}{location})[-1];
    is($o->{get}{status}, 200, 'GET: 200');
    is($o->{get}{etag}, $o->{post}{etag}, 'its ETag');
    is($o->{get304}{status}, 304, 'GET with If-None-Match: 304');
    is($o->{get304}{etag}, $o->{post}{etag}, 'with the ETag');
    is($o->{patch}{status}, 200, 'PATCH with If-Match: 200');
    is(decode_json($o->{patch}{body})->{price}, 2, 'merged');
    isnt($o->{patch}{etag}, $o->{post}{etag}, 'a new ETag');
    is($o->{patch}{replayed}, undef, 'not a replay');
    is($o->{replay}{status}, 200, 'the same PATCH again: 200');
    is($o->{replay}{replayed}, 'true', 'Idempotent-Replayed is exposed');
    is($o->{replay}{etag}, $o->{patch}{etag}, 'the recorded ETag');
    is($o->{first}{status}, 404, 'a limited location: 404 first');
    is($o->{limited}{status}, 429, 'then 429, readable by the page');
    ok($o->{limited}{retry} > 0 && $o->{limited}{ratelimit} =~ /^"z";r=0/,
       'Retry-After and RateLimit are exposed');
    is($o->{closed}, 'TypeError', 'without api_cors, fetch() fails');
    my %h = @{ redis('HGETALL', "api:{items}:$id") };
    is($h{d}, '{"name":"widget","price":2}', 'Redis holds the patch once');
}
--- no_error_log
[error]
