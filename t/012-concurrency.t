# Concurrent writers and readers: If-Match lets exactly one of two racing
# PATCHes win, unconditional PATCHes never lose each other's fields (each
# is one atomic script), and a cursor walk over a collection that grows
# meanwhile sees every document once.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use JSON::PP ();
use Time::HiRes qw(sleep time);

repeat_each(1);
worker_connections(1024);

plan tests => repeat_each() * 30;

our $Json = JSON::PP->new->canonical;

# The stored document (the hash's "d" field) as a Perl hash, or undef.
sub stored_doc {
    my ($c, $id) = @_;
    my $d = redis('HGET', "api:{$c}:$id", 'd');
    return defined $d ? $Json->decode($d) : undef;
}

sub etag_of {
    my $res = shift;
    my $etag = $res->{headers}{etag} // '';
    $etag =~ s/^"(.*)"$/$1/;
    return $etag;
}

run_tests();

__DATA__

=== TEST 1: two PATCHes with the same If-Match in flight together: one 200, one 412
--- api_setup
seed_doc('items', 'doc1', '{"n":0}', 'REV0' . ('0' x 22));
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
--- config
    location /v1/ {
        api;
        api_collection items users;
    }
--- request
GET /v1/items/doc1
--- api_check
# Redis is stopped while both requests reach nginx, so both scripts are
# queued on the Redis connections before either runs.
my $rev = 'REV0' . ('0' x 22);
my @patch = (
    ['PATCH', '/v1/items/doc1', body => '{"a":"first"}',
     headers => ['Content-Type: application/merge-patch+json',
                 qq{If-Match: "$rev"}]],
    ['PATCH', '/v1/items/doc1', body => '{"b":"second"}',
     headers => ['Content-Type: application/merge-patch+json',
                 qq{If-Match: "$rev"}]],
);
my @res = http_many(\@patch,
                    before  => sub { redis_pause() },
                    between => sub { sleep 0.3; redis_resume() });

my @st = map { $_->{status} // 'none' } @res;
is(join(' ', sort @st), '200 412', "one 200 and one 412 (got @st)");

my ($win) = grep { $st[$_] eq '200' } 0 .. 1;
my ($lose) = grep { $st[$_] eq '412' } 0 .. 1;
$win //= 0;
$lose //= 1;
my ($wf, $lf) = $win == 0 ? ('a', 'b') : ('b', 'a');
my %want = (n => 0, $wf => ($wf eq 'a' ? 'first' : 'second'));

is_deeply(stored_doc('items', 'doc1'), \%want,
          "Redis holds the winner's field ($wf) and not the loser's ($lf)");
is(redis('HGET', 'api:{items}:doc1', 'r'), etag_of($res[$win]),
   "the stored revision is the winner's ETag");
like($res[$lose]{body}, qr/"code":"precondition_failed"/,
     'the loser gets a precondition_failed problem');
is($res[$lose]{headers}{'content-type'}, 'application/problem+json',
   'the 412 is problem+json');
--- response_headers
ETag: "REV00000000000000000000000"
--- response_body: {"id":"doc1","n":0}
--- no_error_log
[error]
[alert]



=== TEST 2: 50 unconditional PATCHes of one document at once: 50 × 200, no field lost
--- api_setup
seed_doc('items', 'doc1', '{"n":0}');
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
--- config
    location /v1/ {
        api;
        api_collection items users;
    }
--- request
GET /v1/items/doc1
--- api_check
my @patch = map {
    ['PATCH', '/v1/items/doc1', body => qq({"f$_":$_}),
     headers => ['Content-Type: application/merge-patch+json']]
} 1 .. 50;
my @res = http_many(\@patch,
                    before  => sub { redis_pause() },
                    between => sub { sleep 0.3; redis_resume() });

my @st = map { $_->{status} // 'none' } @res;
is(scalar(grep { $_ eq '200' } @st), 50, 'all 50 PATCHes answered 200')
    or diag("statuses: @st");

my %want = (n => 0, map { ("f$_" => $_) } 1 .. 50);
is_deeply(stored_doc('items', 'doc1'), \%want,
          'the stored document has n and all of f1..f50');

# Each script saw every earlier one: the answers hold 1, 2, ... 50 of the
# patched fields, each answer its own field among them.
my (@sizes, $own);
for my $i (0 .. 49) {
    my $doc = eval { $main::Json->decode($res[$i]{body}) } || {};
    push @sizes, scalar(grep { /^f\d+$/ } keys %$doc);
    $own++ if ($doc->{'f' . ($i + 1)} // 0) == $i + 1;
}
is(join(',', sort { $a <=> $b } @sizes), join(',', 1 .. 50),
   'the 50 answers show 1..50 patched fields: the patches ran one by one');
is($own, 50, "every answer contains its own field");

my %etags = map { (etag_of($_) => 1) } @res;
is(scalar(keys %etags), 50, 'every PATCH made a distinct revision');
ok($etags{ redis('HGET', 'api:{items}:doc1', 'r') },
   'the stored revision is one of them');
--- response_body: {"id":"doc1","n":0}
--- no_error_log
[error]
[alert]



=== TEST 3: paging through 1,000 documents (limit=37) while others are inserted
--- api_setup
for my $i (0 .. 999) {
    seed_doc('items', sprintf('doc-%04d', $i), qq({"i":$i}));
}
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items users;
    }
--- request
GET /v1/items?limit=37
--- api_check
my (@seen, %count, @created, @after, @before, $pages, $cursor, $bad_page);
my $n = 0;

while (1) {
    my $path = '/v1/items?limit=37'
               . (defined $cursor ? "&cursor=$cursor" : '');
    my $res = http_request('GET', $path);
    my $page = eval { $main::Json->decode($res->{body}) };

    if (($res->{status} // '') ne '200' || !$page) {
        $bad_page = "$path: " . ($res->{status} // 'none') . " $res->{body}";
        last;
    }

    $pages++;
    my @ids = map { $_->{id} } @{ $page->{items} };
    $bad_page //= "$path: " . scalar(@ids) . ' items'
        if @ids > 37 || (@ids < 37 && defined $page->{next_cursor});
    push @seen, @ids;
    $count{$_}++ for @ids;

    $cursor = $page->{next_cursor};
    last if !defined $cursor || $pages > 100;

    # 5 inserts between two pages: before everything, after everything
    # (zero-padded, so each sorts after the one before), just after and
    # just before the cursor, and a generated id (which sorts before every
    # "doc-" id)
    my $last = $ids[-1];
    my $prev = @ids > 1 ? $ids[-2] : $last;
    my $k = sprintf('%03d', $n);
    for my $id ("000-new-$k", "zzz-new-$k", "$last-new", "$prev-new", undef) {
        my $body = defined $id ? qq({"id":"$id","new":$n}) : qq({"new":$n});
        my $r = http_request('POST', '/v1/items', body => $body,
                             headers => ['Content-Type: application/json']);
        push @created, [$id // '(generated)', $r->{status} // 'none'];
        my $made = $id // eval { $main::Json->decode($r->{body})->{id} }
                   // '?';
        if ($made gt $last) {
            push @after, $made;
        } else {
            push @before, $made;
        }
    }
    $n++;
}

ok(!defined $bad_page, 'every page is a 200 of at most 37 items, 37 unless '
                       . 'it is the last') or diag($bad_page);
is(scalar(grep { $_->[1] ne '201' } @created), 0,
   scalar(@created) . ' inserts between pages, all 201')
    or diag(join ' ', map { "$_->[0]=$_->[1]" } @created);

my @dup = grep { $count{$_} > 1 } sort keys %count;
is(scalar(@dup), 0, 'no id appears twice (' . scalar(@seen) . ' ids seen on '
                    . "$pages pages)") or diag("twice: @dup");

my @missed = grep { !$count{$_} } map { sprintf('doc-%04d', $_) } 0 .. 999;
is(scalar(@missed), 0, 'all 1,000 documents of the start were seen')
    or diag("missed: @missed[0 .. ($#missed > 9 ? 9 : $#missed)]");

is(join(' ', @seen), join(' ', sort @seen), 'the walk is in id order');

# What the ordering promises about the newcomers: those inserted after the
# cursor are all seen, those inserted before it never are.
my @unseen = grep { !$count{$_} } @after;
my @seen_before = grep { $count{$_} } @before;
is(scalar(@unseen) . '/' . scalar(@seen_before), '0/0',
   scalar(@after) . ' inserts after the cursor all seen, '
   . scalar(@before) . ' before it none seen')
    or diag("unseen: @unseen; seen: @seen_before");
--- response_body_like: ^\{"items":\[\{"id":"doc-0000","i":0\},.*\{"id":"doc-0036","i":36\}\],"next_cursor":"[A-Za-z0-9_-]+"\}$
--- timeout: 10
--- no_error_log
[error]
[alert]
