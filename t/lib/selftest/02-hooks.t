# Self-test: add_block_preprocessor, add_response_body_check,
# add_cleanup_handler and the --- init section, including *when* each of
# them runs relative to nginx start-up and to the requests of a block.

BEGIN {
    $ENV{TEST_NGINX_RANDOMIZE} //= 1;
    # The listen port is random: a stale port from the caller would be wrong.
    delete $ENV{TEST_NGINX_SERVER_PORT} if $ENV{TEST_NGINX_RANDOMIZE};
    $ENV{TEST_NGINX_BINARY}    //= '/usr/sbin/nginx' if -x '/usr/sbin/nginx';
}

use Test::Nginx::Socket;

our @events;          # hook calls, in order
our $cleanups = 0;    # add_cleanup_handler calls
our $init_runs = 0;
our $init_saw_nginx;
our $hook_wrote;      # what the body check wrote for the next request

repeat_each(2);

# 11 per repeat from the blocks, plus the 5 checks after run_tests().
plan tests => repeat_each() * 11 + 5;

no_shuffle();

sub short_name { my ($n) = $_[0]->name =~ /(TEST \d+)/; $n }

add_block_preprocessor(sub {
    my $block = shift;
    push @events, "pre1:" . $block->name;
});

# Registered last, so it runs first.  It supplies a default --- config,
# which nginx then serves: the preprocessor runs before nginx is set up.
add_block_preprocessor(sub {
    my $block = shift;
    push @events, "pre2:" . $block->name;
    if (!defined $block->config) {
        $block->set_value(config => <<'_EOC_');
    location = /default { return 200 "default config\n"; }
_EOC_
    }
});

add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;
    push @events, join ':', 'body', short_name($block), $req_idx,
                            $repeated_req_idx, $dry_run;

    # A custom section checked by the hook adds one assertion per response.
    if (defined(my $want = $block->body_has)) {
        like($body, qr/\Q$want\E/, $block->name . " - body_has $want");
    }

    # Write a file after response 0; request 1 fetches it, which proves the
    # hook runs before the next request is sent.
    if (defined(my $text = $block->hook_writes)) {
        if ($req_idx == 0) {
            $hook_wrote = "$text (repeat $repeated_req_idx)\n";
            open my $fh, '>', html_dir() . '/from_hook.txt' or die $!;
            print $fh $hook_wrote;
            close $fh;
        } else {
            is($body, $hook_wrote,
               $block->name . " - served what the hook wrote before this request");
        }
    }
});

add_cleanup_handler(sub { $cleanups++ });

run_tests();

# run_tests() calls the cleanup handlers once at its end (END calls them
# again later, after these checks).
is($cleanups, 1, 'cleanup handler ran at the end of run_tests');
is($init_runs, 1, '--- init ran once for its block, not once per repeat');
ok($init_saw_nginx, '--- init ran after nginx had been started');

is_deeply(\@events, [
    'pre2:TEST 1: default config from a preprocessor',
    'pre1:TEST 1: default config from a preprocessor',
    'body:TEST 1:0:0:0',
    'body:TEST 1:0:1:0',
    'pre2:TEST 2: init section',
    'pre1:TEST 2: init section',
    'init:TEST 2',
    'body:TEST 2:0:0:0',
    'body:TEST 2:0:1:0',
    'pre2:TEST 3: body check runs between requests',
    'pre1:TEST 3: body check runs between requests',
    'body:TEST 3:0:0:0',
    'body:TEST 3:1:0:0',
    'body:TEST 3:0:1:0',
    'body:TEST 3:1:1:0',
    'pre2:TEST 4: no body check with ignore_response',
    'pre1:TEST 4: no body check with ignore_response',
], 'hook call order and arguments') or diag Test::More::explain(\@events);

ok(!-e html_dir() . '/nothing', 'sanity: html_dir() usable after run_tests');

__DATA__

=== TEST 1: default config from a preprocessor
--- request
GET /default
--- response_body
default config
--- body_has: default



=== TEST 2: init section
--- config
    location = /init.txt { root $TEST_NGINX_SERVER_ROOT/html; }
--- init
# Runs in package Test::Nginx::Util with $block and $name in scope.
$main::init_runs++;
push @main::events, 'init:' . main::short_name($block);
$main::init_saw_nginx = -f $PidFile
    && is_running(get_pid_from_pidfile($name));
open my $fh, '>', html_dir() . '/init.txt' or die $!;
print $fh "from init\n";
close $fh;
--- request
GET /init.txt
--- response_body
from init



=== TEST 3: body check runs between requests
--- config
    location = /t { return 200 "t\n"; }
--- request eval
["GET /t", "GET /from_hook.txt"]
--- hook_writes: hook was here
--- response_body eval
["t\n", qr/^hook was here \(repeat \d\)$/]



=== TEST 4: no body check with ignore_response
--- config
    location = /t { return 200 "t\n"; }
--- request
GET /t
--- ignore_response
--- error_log
http finalize request
