# Self-test: run the fixture scripts in fixtures/ (deliberately failing or
# bailing test files, and exact-count files) as separate processes, parse
# their TAP and check that the harness reports what it must.

use strict;
use warnings;

use Test::More;
use File::Spec;
use File::Temp qw(tempfile);
use FindBin;
use TAP::Parser;

my $lib      = File::Spec->catdir($FindBin::Bin, '..');
my $fixtures = File::Spec->catdir($FindBin::Bin, 'fixtures');

# Run one fixture; returns a summary hash.  stderr is captured separately.
sub run_fixture {
    my ($name, %env) = @_;
    my $file = File::Spec->catfile($fixtures, $name);
    my (undef, $errfile) = tempfile(UNLINK => 1);

    local %ENV = (%ENV, TEST_NGINX_RANDOMIZE => 1, ERRFILE => $errfile, %env);
    $ENV{TEST_NGINX_BINARY} //= '/usr/sbin/nginx' if -x '/usr/sbin/nginx';

    my $parser = TAP::Parser->new({
        exec => [ 'sh', '-c', 'exec "$0" "$@" 2>"$ERRFILE"',
                  $^X, "-I$lib", $file ],
    });

    my (%r, @failed_names, $bailout);
    while (my $result = $parser->next) {
        if ($result->is_test && !$result->is_ok) {
            push @failed_names, $result->description;
        }
        $bailout = $result->explanation if $result->is_bailout;
    }

    open my $fh, '<', $errfile or die $!;
    my $stderr = do { local $/; <$fh> } // '';
    close $fh;

    return {
        planned      => $parser->tests_planned,
        run          => $parser->tests_run,
        failed       => scalar($parser->failed),
        skipped      => scalar($parser->skipped),
        failed_names => \@failed_names,
        bailout      => $bailout,
        exit         => $parser->exit,
        problems     => $parser->has_problems,
        stderr       => $stderr,
    };
}

plan tests => 28;

{
    my $r = run_fixture('fail-checks.tf');
    is($r->{planned}, 15, 'fail-checks: plan');
    is($r->{run}, 15, 'fail-checks: every planned assertion ran');
    is($r->{failed}, 9, 'fail-checks: exactly the 9 wrong expectations failed')
        or diag join "\n", @{ $r->{failed_names} };
    isnt($r->{exit}, 0, 'fail-checks: non-zero exit status');
    like(join("\n", @{ $r->{failed_names} }),
         qr/TEST 4: .* should not match any line in error\.log/,
         'fail-checks: no_error_log failure is reported by pattern');
}

{
    my $r = run_fixture('timeout.tf');
    is($r->{run}, 3, 'timeout: one assertion more than the 2 planned');
    ok(scalar(grep { /ERROR: client socket timed out/ } @{ $r->{failed_names} }),
       'timeout: the extra assertion is the client timeout failure');
    # Like the real module, the timeout path sets Test::Builder's no_ending,
    # so the exit status stays 0; prove fails the file from the TAP itself.
    ok($r->{problems}, 'timeout: the TAP stream has problems (prove fails the file)');
}

{
    my $r = run_fixture('bail-env.tf');
    like($r->{bailout} // '', qr/No environment TEST_NGINX_SELFTEST_UNDEFINED_VAR defined/,
         'undefined $TEST_NGINX_ variable bails out');
    is($r->{run}, 0, 'bail-env: nothing ran');
}

{
    my $r = run_fixture('bail-raw-hash.tf');
    like($r->{bailout} // '', qr/raw_request element 1 is a HASH reference: the CPAN Test::Nginx takes only plain strings/,
         'a hash in a raw_request array bails out');
    is($r->{run}, 0, 'bail-raw-hash: nothing ran');
}

{
    my $r = run_fixture('bail-start.tf');
    like($r->{bailout} // '', qr/Cannot start nginx using command ".*nginx .*-e \S+error\.log -p \S+\/ -c \S+nginx\.conf > \/dev\/null.*" \(status code 256\)/,
         'nginx start failure bails out with the command line');
    is($r->{run}, 0, 'bail-start: nothing ran');
    unlike($r->{stderr}, qr/\[emerg\]/, 'bail-start: suppress_stderr hid nginx stderr');
}

{
    my $r = run_fixture('counts.tf');
    is($r->{run}, 84, 'counts: exact number of assertions (no_plan)');
    is($r->{failed}, 0, 'counts: all passed')
        or diag join "\n", @{ $r->{failed_names} };
    is($r->{skipped}, 15, 'counts: skip_nginx and stap skips');
    is($r->{exit}, 0, 'counts: zero exit status');
    like($r->{stderr}, qr/WARNING: .*TEST 2: must_die - .*\[emerg\]/,
         'counts: unmentioned [emerg] line produces a warning');
    unlike($r->{stderr}, qr/WARNING: .*TEST 5: /,
           'counts: no warning when a pattern mentions [emerg]');
    unlike($r->{stderr}, qr/nginx: \[emerg\]/,
           'counts: suppress_stderr hid nginx stderr for must_die');
}

{
    my $r = run_fixture('only.tf');
    is($r->{run}, 2, 'ONLY: a single block ran');
    is($r->{failed}, 0, 'ONLY: it passed');
    like($r->{stderr}, qr/I found ONLY/, 'ONLY: Test::Base warns about it');
}

{
    my $r = run_fixture('last.tf');
    is($r->{run}, 4, 'LAST: blocks after it are ignored');
    is($r->{failed}, 0, 'LAST: the others passed');
}

{
    # The default shuffle must not change counts; NO_SHUFFLE is honoured.
    my $r = run_fixture('fail-checks.tf', TEST_NGINX_NO_SHUFFLE => 1);
    is($r->{failed}, 9, 'fail-checks with TEST_NGINX_NO_SHUFFLE: same failures');
}
