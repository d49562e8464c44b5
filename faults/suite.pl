#!/usr/bin/env perl
# The fault-injection suite (make test-faults; entry point faults/run).
#
# Each scenario gets its own private Redis (127.0.0.1:6396) and nginx
# (127.0.0.1:8096, 2 workers, faults/nginx.conf), a steady mixed load from
# Faults::Load (POST, GET of created ids, PATCH; every request recorded),
# one fault, then checks of its promises.  Prints one or two lines of
# figures per scenario and a summary table (also faults/results/summary.txt);
# exits 1 when any promise breaks.  See faults/README.md.
#
#   faults/suite.pl [SCENARIO...]    numbers or names; default: all
#
# Environment: FAULTS_REDIS_PORT (6396) FAULTS_PORT (8096)
#   FAULTS_CONNS (48) FAULTS_RATE (2000 req/s in total) FAULTS_ABORTS (1000)
#   FAULTS_STALLS (20)
#   FAULTS_RELOAD_KEEPALIVE (0: scenario 6 sends Connection: close)
#   FAULTS_LOG_LEVEL (notice) FAULTS_NGINX FAULTS_MODULE

use strict;
use warnings;

use Cwd qw(realpath);
use FindBin;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG strftime);
use Socket qw(SOL_SOCKET SO_LINGER);
use Time::HiRes qw(time sleep);

use lib "$FindBin::Bin/lib";
use Faults::Env;
use Faults::Load;

$| = 1;

my $top = realpath("$FindBin::Bin/..");
chdir $top or die "cd $top: $!\n";

my $RPORT   = $ENV{FAULTS_REDIS_PORT} || 6396;
my $HPORT   = $ENV{FAULTS_PORT} || 8096;
my $CONNS   = $ENV{FAULTS_CONNS} || 48;
my $RATE    = $ENV{FAULTS_RATE} || 2000;
my $ABORTS  = $ENV{FAULTS_ABORTS} || 1000;   # scenario 5
my $STALLS  = $ENV{FAULTS_STALLS} || 20;     # scenario 7, of each kind
my $BODY_MAX = 1048576;        # client_max_body_size of /v1/ (nginx.conf)
my $MODULE  = $ENV{FAULTS_MODULE} || "$top/build/ngx_http_api_module.so";
my $NGINX   = $ENV{FAULTS_NGINX} || $ENV{NGINX} || '/usr/sbin/nginx';
delete $ENV{NGINX};            # nginx reads inherited sockets from it
my $TIMEOUT = 0.5;             # api_redis_timeout (and connect timeout)
my $LATENCY_MAX = $TIMEOUT + 0.1;
my $RESULTS = "$top/faults/results";
my $RUN     = "$RESULTS/run";

my $JSON = JSON::PP->new->canonical;
my $main_pid = $$;

our ($env, $load_pid, $bg_pid);

sub msg { print "faults: @_\n" }

sub cleanup {
    local $SIG{INT} = 'IGNORE';   # a second Ctrl-C must not cut it short
    local $SIG{TERM} = 'IGNORE';
    if ($load_pid) {
        kill 'TERM', $load_pid;
        for (1 .. 100) { last if waitpid($load_pid, WNOHANG) != 0; sleep 0.02 }
        kill 'KILL', $load_pid;
        waitpid($load_pid, 0);
        $load_pid = undef;
    }
    if ($bg_pid) {
        waitpid($bg_pid, 0);
        $bg_pid = undef;
    }
    if ($env) {
        eval { $env->nginx_stop };
        eval { $env->redis_signal('CONT') } if $env->redis_pid;
        eval { $env->redis_stop };
        $env = undef;
    }
}

$SIG{INT}  = sub { print "\nfaults: interrupted, stopping nginx and Redis\n"; exit 130 };
$SIG{TERM} = sub { exit 143 };
$SIG{PIPE} = 'IGNORE';
END {
    my $rc = $?;
    cleanup() if $$ == $main_pid;
    $? = $rc;
}

# --------------------------------------------------------------- scenarios

my @SCENARIOS = (
    [1, 'redis-kill',       \&s_kill,   'Redis SIGKILL 3 s, restart'],
    [2, 'aof-kill',         \&s_aof,    'appendfsync always, SIGKILL x2 mid-write'],
    [3, 'redis-pause',      \&s_pause,  'Redis SIGSTOP 2 s'],
    [4, 'flush-clientkill', \&s_flush,  'SCRIPT FLUSH, CLIENT KILL TYPE normal'],
    [5, 'client-aborts',    \&s_aborts, '1,000 clients close mid-request'],
    [6, 'reload',           \&s_reload, 'nginx -s reload x3'],
    [7, 'stalled-bodies',   \&s_bodies, 'bodies stalled 20 bytes before the end'],
);

my @want = @ARGV;
my @run = grep {
    my $s = $_;
    !@want || grep { $_ eq $s->[0] || $_ eq $s->[1] } @want
} @SCENARIOS;
die "no scenario matches @want; known: "
    . join(', ', map { "$_->[0] $_->[1]" } @SCENARIOS) . "\n" if !@run;

-f $MODULE or die "$MODULE not found: run make first\n";

system('rm', '-rf', $RUN);
system('mkdir', '-p', $RUN) == 0 or die "mkdir $RUN\n";
unlink "$RESULTS/summary.txt";

my $started = time;
msg "load: $CONNS connections, ~$RATE req/s, Redis 127.0.0.1:$RPORT, nginx 127.0.0.1:$HPORT";

my @rows;
for my $s (@run) {
    my ($n, $name, $code, $what) = @$s;
    my $sc = {
        n => $n, name => $name, what => $what, dir => "$RESULTS/$n-$name",
        checks => [], ev => {}, rss => [], notes => [], t_start => time,
    };
    system('rm', '-rf', $sc->{dir});
    system('mkdir', '-p', $sc->{dir});
    print "\n";
    msg "[$n] $name: $what";
    my $ok = eval { $code->($sc); 1 };
    if (!$ok) {
        my $e = $@;
        chomp $e;
        check($sc, 'scenario ran to the end', 0, $e);
    }
    finish($sc);
    $sc->{fig}{secs} = sprintf '%.0f', time - $sc->{t_start};
    push @rows, $sc;
}

# ------------------------------------------------------------------ report

my @cols = (
    ['#', 'n'], ['scenario', 'name'], ['requests', 'requests'], ['2xx', 'ok'],
    ['503/504', 'clear'], ['other', 'other'], ['lost', 'lost'],
    ['max ms', 'maxlat'], ['recovery', 'recovery'], ['secs', 'secs'],
    ['notes', 'extra'], ['result', 'result'],
);
my @table = ([map { $_->[0] } @cols]);
for my $sc (@rows) {
    my $f = $sc->{fig} || {};
    push @table, [map {
        my $k = $_->[1];
        $k eq 'n' ? $sc->{n} : $k eq 'name' ? $sc->{name}
          : $k eq 'result' ? $sc->{result}
          : $f->{$k} // '-'
    } @cols];
}
my @w = map { my $i = $_; my $m = 0; for (@table) { $m = length $_->[$i] if length $_->[$i] > $m } $m } 0 .. $#cols;
my $fmt = join('  ', map { $_ == $#cols - 1 ? "%-$w[$_]s" : $_ <= 1 ? "%-$w[$_]s" : $_ == $#cols ? "%s" : "%$w[$_]s" } 0 .. $#cols) . "\n";
my $text = '';
$text .= sprintf $fmt, @$_ for @table;

my $failed = grep { $_->{result} ne 'PASS' } @rows;
my $rev = `git rev-parse --short HEAD 2>/dev/null` // '';
chomp $rev;
$rev ||= '?';
$rev .= ' (modified)' if $rev ne '?' && system('git diff --quiet HEAD 2>/dev/null') != 0;
my $modsum = `sha1sum '$MODULE' 2>/dev/null` // '';
$modsum = substr($modsum, 0, 12);
my $header = sprintf "make test-faults -- %s, commit %s, module sha1 %s; %d CPUs; %d load connections at ~%d req/s; api_redis_timeout = connect_timeout = %d ms\n",
    strftime('%Y-%m-%d %H:%M:%S UTC', gmtime), $rev, $modsum || '?', num_cpus(), $CONNS, $RATE, $TIMEOUT * 1000;
my $foot = '';
for my $sc (@rows) {
    for my $c (grep { !$_->{ok} } @{ $sc->{checks} }) {
        $foot .= "  [$sc->{n}] FAILED: $c->{name}" . ($c->{detail} ne '' ? " -- $c->{detail}" : '') . "\n";
    }
}
$foot = "\nbroken promises:\n$foot" if $foot ne '';
my $summary = $header . "\n" . $text . $foot
    . sprintf("\n%d of %d scenarios passed in %.0f s; raw records and logs in faults/results/<n>-<name>/\n",
              @rows - $failed, scalar @rows, time - $started);

open my $fh, '>', "$RESULTS/summary.txt" or die "$RESULTS/summary.txt: $!\n";
print {$fh} $summary;
close $fh;

print "\n", $summary;
exit($failed ? 1 : 0);


# =================================================================== helpers

sub num_cpus {
    open my $fh, '<', '/proc/cpuinfo' or return 0;
    my $n = grep { /^processor\s*:/ } <$fh>;
    return $n;
}

sub check {
    my ($sc, $name, $ok, $detail) = @_;
    $detail //= '';
    $detail =~ s/\s*\n\s*/ /g;
    push @{ $sc->{checks} }, { name => $name, ok => $ok ? 1 : 0, detail => $detail // '' };
    return $ok;
}

sub event {
    my ($sc, $name, $t) = @_;
    $t //= time;
    $sc->{ev}{$name} = $t;
    return $t;
}

sub rel { my ($sc, $t) = @_; sprintf '%.3f', $t - $sc->{t0} }

# A fresh Redis + nginx for the scenario.
sub setup {
    my ($sc, %o) = @_;
    $env = Faults::Env->new(
        top => $top, dir => "$RUN/$sc->{n}", rport => $RPORT, hport => $HPORT,
        module => $MODULE, nginx => $NGINX, redis_conf => $o{redis_conf} || [],
    );
    $env->redis_start;
    $env->redis_cli('FLUSHALL');
    $env->nginx_start;
    $sc->{workers0} = [$env->workers];
    $sc->{t0} = time;
}

sub teardown {
    my $sc = shift;
    return if !$env;
    $sc->{workers1} //= [$env->workers];
    $env->nginx_stop;
    $env->redis_signal('CONT') if $env->redis_pid && kill 0, $env->redis_pid;
    $env->redis_stop;
    system('cp', $env->error_log, "$sc->{dir}/nginx-error.log") if -f $env->error_log;
    system('cp', "$env->{rdir}/redis.log", "$sc->{dir}/redis.log") if -f "$env->{rdir}/redis.log";
    $sc->{env} = $env;
    $env = undef;
}

# Starts the load in a child; it runs until stop_load (at most $o{max} s).
sub start_load {
    my ($sc, %o) = @_;
    my $out = "$sc->{dir}/requests.tsv";
    my $end = time + ($o{max} || 25);
    my $pid = fork // die "fork: $!\n";
    if ($pid == 0) {
        $SIG{INT} = 'IGNORE';
        my $ok = eval {
            Faults::Load::run_load(
                port => $HPORT, conns => $o{conns} || $CONNS,
                rate => $o{rate} || $RATE, end => $end, out => $out,
                mix => $o{mix}, keepalive => $o{keepalive} // 1,
                tag => "s$sc->{n}", timeout => 5,
            );
            1;
        };
        print STDERR "faults: load: $@" if !$ok;
        POSIX::_exit($ok ? 0 : 1);
    }
    $load_pid = $pid;
    $sc->{load_out} = $out;
    event($sc, 'load_start');
}

sub stop_load {
    my $sc = shift;
    return if !$load_pid;
    event($sc, 'load_stop');
    kill 'USR2', $load_pid;
    my $done;
    for (1 .. 400) {            # in-flight requests drain (client timeout 5 s)
        if (waitpid($load_pid, WNOHANG) != 0) { $done = 1; last }
        sleep 0.02;
    }
    if (!$done) {
        kill 'TERM', $load_pid;
        for (1 .. 150) { if (waitpid($load_pid, WNOHANG) != 0) { $done = 1; last } sleep 0.02 }
        if (!$done) { kill 'KILL', $load_pid; waitpid($load_pid, 0) }
    }
    $load_pid = undef;
    die "the load client wrote no records\n" if !-f $sc->{load_out};
    $sc->{recs} = Faults::Load::read_records($sc->{load_out});
}

# Waits until absolute time $until, sampling every worker's RSS every
# 100 ms and running $poll (if any) every 20 ms.
sub tick {
    my ($sc, $until, $poll) = @_;
    while (1) {
        my $now = time;
        if (!$sc->{rss_last} || $now - $sc->{rss_last} >= 0.1) {
            $sc->{rss_last} = $now;
            for my $p ($env->workers) {
                my $kb = $env->rss_kb($p);
                push @{ $sc->{rss} }, [$now, $p, $kb] if defined $kb;
            }
        }
        $poll->($now) if $poll;
        last if $now >= $until;
        my $d = $until - $now;
        sleep($d < 0.02 ? $d : 0.02);
    }
}

# Restarts Redis (tools/redis start, in the background) and returns the
# time PING first succeeds, polling every 5 ms.
sub redis_restart {
    my $sc = shift;
    $bg_pid = $env->redis_start_bg;
    my $up;
    for (1 .. 2000) {
        if ($env->redis_ping) { $up = time; last }
        sleep 0.005;
    }
    waitpid($bg_pid, 0);
    $bg_pid = undef;
    die "Redis did not come back on port $RPORT\n" if !$up;
    return $up;
}

# Common figures of a list of records.
sub classify {
    my $r = shift;
    return 'ok' if $r->{status} =~ /^2\d\d$/;
    return 'clear' if ($r->{status} == 503 || $r->{status} == 504)
                      && $r->{ctype} =~ m{^application/problem\+json}
                      && $r->{code} ne '';
    return 'other';
}

sub figures {
    my ($sc, $recs) = @_;
    my %f = (requests => scalar @$recs, ok => 0, clear => 0, other => 0);
    my (%status, %other, $max, $maxr);
    $max = 0;
    for my $r (@$recs) {
        my $c = $r->{class} = classify($r);
        $f{$c}++;
        my $key = $r->{status} ? $r->{status} . ($r->{code} ne '' ? " $r->{code}" : '') : "no response ($r->{err})";
        $status{$key}++ if $c ne 'ok';
        $other{$key . ($r->{status} && $r->{ctype} ne '' && $c eq 'other' ? " [$r->{ctype}]" : '')}++ if $c eq 'other';
        my $lat = $r->{t1} - $r->{t0};
        $r->{lat} = $lat;
        if ($lat > $max) { $max = $lat; $maxr = $r }
    }
    $f{maxlat} = sprintf '%.0f', $max * 1000;
    $f{maxlat_rec} = $maxr;
    $f{errors} = join(', ', map { "$status{$_} x $_" } sort { $status{$b} <=> $status{$a} } keys %status) || 'none';
    $f{others} = join(', ', map { "$other{$_} x $_" } sort { $other{$b} <=> $other{$a} } keys %other);

    # GET or PATCH of an acknowledged document answered 404 during the load
    my %acked = map { $_->{id} => $_->{t1} } grep { $_->{kind} eq 'post' && $_->{status} == 201 && $_->{id} ne '' } @$recs;
    $f{lost_during} = grep { ($_->{kind} eq 'get' || $_->{kind} eq 'patch') && $_->{status} == 404
                             && exists $acked{ $_->{id} } } @$recs;
    $sc->{fig} = { %{ $sc->{fig} || {} }, %f };
    return $sc->{fig};
}

# Recovery after $t_ref: the time from $t_ref to the first request (by send
# time) after which every request got 2xx; and how long that clean tail runs.
sub recovery {
    my ($recs, $t_ref) = @_;
    my @s = sort { $a->{t0} <=> $b->{t0} } @$recs;
    my $last_bad = -1;
    for my $i (0 .. $#s) { $last_bad = $i if $s[$i]{class} ne 'ok' }
    my $first_good = $last_bad + 1;
    # nothing failed after $t_ref: the clean tail starts at $t_ref
    while ($first_good <= $#s && $s[$first_good]{t0} < $t_ref) { $first_good++ }
    return (undef, 0) if $first_good > $#s;
    my $start = $s[$first_good]{t0};
    my $rec = $last_bad >= 0 && $s[$last_bad]{t0} >= $t_ref ? $start - $t_ref : 0;
    return ($rec, $s[-1]{t0} - $start, $last_bad >= 0 ? $s[$last_bad] : undef);
}

# Common checks: no worker died, pids, error log, every answer clear.
sub common_checks {
    my ($sc, %o) = @_;
    my @sig = $env->log_grep(qr/exited on signal/);
    check($sc, 'no nginx worker exited on a signal', !@sig,
          @sig ? scalar(@sig) . " lines, first: $sig[0]" : '');
    if (!$o{reload}) {
        my @now = $env->workers;
        $sc->{workers1} = \@now;
        check($sc, 'worker pids unchanged', "@now" eq "@{ $sc->{workers0} }",
              "before: @{ $sc->{workers0} }; after: @now");
    }
    my @bad = $env->log_grep(qr/\[(alert|crit|emerg)\]/);
    check($sc, 'no [alert]/[crit]/[emerg] in error.log', !@bad,
          @bad ? scalar(@bad) . " lines, first: $bad[0]" : '');
    if (!$o{no_clear_check}) {
        my $f = $sc->{fig};
        check($sc, 'every response is 2xx or a 503/504 problem+json', $f->{other} == 0,
              "$f->{other} other: $f->{others}");
    }
    check($sc, 'nginx answers /health 200 at the end', $env->health == 200, '');
}

sub finish {
    my $sc = shift;
    eval { stop_load($sc) } if $load_pid;
    teardown($sc);
    my $f = $sc->{fig} ||= {};
    $f->{lost} //= '-';
    $f->{recovery} //= '-';
    $sc->{result} = (grep { !$_->{ok} } @{ $sc->{checks} }) ? 'FAIL' : 'PASS';
    open my $fh, '>', "$sc->{dir}/checks.txt";
    for my $c (@{ $sc->{checks} }) {
        printf {$fh} "%-4s %s%s\n", $c->{ok} ? 'ok' : 'FAIL', $c->{name},
            $c->{detail} ne '' ? " -- $c->{detail}" : '';
    }
    close $fh;
    if (%{ $sc->{ev} }) {
        open my $eh, '>', "$sc->{dir}/events.txt";
        for my $k (sort { $sc->{ev}{$a} <=> $sc->{ev}{$b} } keys %{ $sc->{ev} }) {
            printf {$eh} "%.6f %s\n", $sc->{ev}{$k}, $k;
        }
        close $eh;
    }
    if (@{ $sc->{rss} }) {
        open my $rh, '>', "$sc->{dir}/rss.tsv";
        print {$rh} "time\tpid\tVmRSS_kB\n";
        printf {$rh} "%.3f\t%d\t%d\n", @$_ for @{ $sc->{rss} };
        close $rh;
    }
    my $line1 = sprintf "requests %s, 2xx %s, 503/504 problem+json %s, other %s, lost writes %s, max latency %s ms, recovery %s",
        map { $f->{$_} // '-' } qw(requests ok clear other lost maxlat recovery);
    msg "[$sc->{n}] $line1";
    msg "[$sc->{n}] $f->{extra_long}" if $f->{extra_long};
    my @bad = grep { !$_->{ok} } @{ $sc->{checks} };
    msg sprintf '[%d] => %s: %d of %d checks ok (faults/results/%d-%s/checks.txt)', $sc->{n},
        $sc->{result}, @{ $sc->{checks} } - @bad, scalar @{ $sc->{checks} }, $sc->{n}, $sc->{name};
    msg "[$sc->{n}]    FAILED: $_->{name}" . ($_->{detail} ne '' ? " -- $_->{detail}" : '') for @bad;
}

# RSS of each worker in a time range: {pid => max kB}
sub rss_max {
    my ($sc, $from, $to) = @_;
    my %m;
    for my $s (@{ $sc->{rss} }) {
        next if $s->[0] < $from || $s->[0] > $to;
        $m{ $s->[1] } = $s->[2] if !defined $m{ $s->[1] } || $s->[2] > $m{ $s->[1] };
    }
    return \%m;
}

sub rss_now {
    my %m = map { $_ => $env->rss_kb($_) } $env->workers;
    return \%m;
}

# --- verification of acknowledged writes -------------------------------------

# GETs every document whose POST was acknowledged (201) and that $keep
# accepts, and compares it with what the acknowledged writes promise:
#  - no PATCH was sent to it: body and ETag are byte-identical to the 201's;
#  - else every member of the 201 body is unchanged, and for each load
#    connection ("slot") the member c<slot> is at least the highest
#    acknowledged PATCH seq of that slot (a slot's PATCHes are sequential);
#    when every write to it was acknowledged, body and ETag equal one of
#    the acknowledged answers (the last one Redis applied).
# Returns {checked, lost, bad => [details]}.
sub verify_writes {
    my ($sc, $recs, $keep) = @_;
    my (%post, %patches);
    for my $r (@$recs) {
        if ($r->{kind} eq 'post' && $r->{status} == 201 && $r->{id} ne '') {
            $post{ $r->{id} } = $r if !$keep || $keep->($r);
        } elsif ($r->{kind} eq 'patch') {
            push @{ $patches{ $r->{id} } }, $r;
        }
    }
    my @ids = sort keys %post;
    my %got;
    for my $round (1 .. 2) {
        my @todo = grep { !$got{$_} || $got{$_}{status} !~ /^(200|404)$/ } @ids;
        last if !@todo;
        sleep 0.5 if $round > 1;
        my $i = 0;
        Faults::Load::run(
            port => $HPORT, conns => 16, rate => 0, timeout => 5,
            end => time + 30,
            next => sub {
                return 'done' if $i > $#todo;
                my $id = $todo[$i++];
                return { method => 'GET', path => "/v1/items/$id", id => $id,
                         kind => 'verify', keep_body => 1 };
            },
            done => sub { my $r = shift; $got{ $r->{id} } = $r },
        );
    }
    my ($lost, @bad) = (0);
    for my $id (@ids) {
        my $p = $post{$id};
        my $g = $got{$id};
        if (!$g || $g->{status} != 200) {
            $lost++;
            push @bad, "$id: acknowledged 201 at " . rel($sc, $p->{t1}) . " s, GET now answers "
                . ($g ? ($g->{status} || "nothing ($g->{err})") . ($g->{code} ne '' ? " $g->{code}" : '') : 'nothing');
            next;
        }
        my @pt = @{ $patches{$id} || [] };
        if (!@pt) {
            if ($g->{resp_body} ne $p->{resp_body} || $g->{etag} ne $p->{etag}) {
                $lost++;
                push @bad, "$id: GET $g->{resp_body} ETag $g->{etag}; the 201 was $p->{resp_body} ETag $p->{etag}";
            }
            next;
        }
        my $doc = eval { decode_json($g->{resp_body}) };
        my $created = eval { decode_json($p->{resp_body}) };
        if (!$doc || !$created) { $lost++; push @bad, "$id: unparsable JSON: $g->{resp_body}"; next }
        my @why;
        for my $k (keys %$created) {
            push @why, "member $k changed"
                if $JSON->encode([$created->{$k}]) ne $JSON->encode([$doc->{$k}]);
        }
        my (%maxack, %sent);
        for my $r (@pt) {
            $sent{ $r->{slot} }{ $r->{wseq} } = 1;
            next if $r->{status} != 200;
            $maxack{ $r->{slot} } = $r->{wseq}
                if !defined $maxack{ $r->{slot} } || $r->{wseq} > $maxack{ $r->{slot} };
        }
        for my $slot (keys %maxack) {
            my $v = $doc->{"c$slot"};
            push @why, "c$slot is " . ($v // 'absent') . ", the acknowledged PATCH set $maxack{$slot}"
                if !defined $v || $v < $maxack{$slot};
        }
        for my $k (grep { /^c\d+$/ } keys %$doc) {
            my ($slot) = $k =~ /(\d+)/;
            push @why, "$k is $doc->{$k}, never sent" if !$sent{$slot}{ $doc->{$k} };
        }
        if (!grep { $_->{status} != 200 } @pt) {
            my @acked = ($p, @pt);
            push @why, "body/ETag match no acknowledged answer"
                if !grep { $_->{resp_body} eq $g->{resp_body} && $_->{etag} eq $g->{etag} } @acked;
        }
        if (@why) {
            $lost++;
            push @bad, "$id: " . join('; ', @why) . " (GET: $g->{resp_body})";
        }
    }
    open my $fh, '>', "$sc->{dir}/verify.txt";
    print {$fh} "checked ", scalar(@ids), " acknowledged documents, $lost lost or wrong\n";
    print {$fh} "$_\n" for @bad;
    close $fh;
    return { checked => scalar @ids, lost => $lost, bad => \@bad };
}

sub lost_check {
    my ($sc, $v) = @_;
    my $f = $sc->{fig};
    $f->{lost} = $v->{lost} + $f->{lost_during};
    check($sc, 'no acknowledged write lost', $f->{lost} == 0,
          "$v->{lost} of $v->{checked} acknowledged documents wrong/missing afterwards"
          . ($v->{bad}[0] ? " (first: $v->{bad}[0])" : '')
          . "; $f->{lost_during} GET/PATCH of acknowledged ids answered 404 during the load");
}


# ================================================================ scenarios

# 1. Redis SIGKILLed for 3 s under load, restarted on the same port.
sub s_kill {
    my $sc = shift;
    setup($sc);
    start_load($sc, mix => { post => 4, get => 4, patch => 2 });
    tick($sc, $sc->{t0} + 3);
    my $t_kill = event($sc, 'kill');
    $env->redis_kill or die "Redis did not die on SIGKILL\n";
    kill 'USR1', $load_pid;       # its data is gone: forget the ids
    tick($sc, $t_kill + 3);
    event($sc, 'restart');
    my $t_up = event($sc, 'ping_ok', redis_restart($sc));
    tick($sc, $t_up + 3.5);
    stop_load($sc);

    my $f = figures($sc, $sc->{recs});
    common_checks($sc);
    check($sc, "no request waits longer than ${\ ($LATENCY_MAX*1000)} ms", $f->{maxlat} <= $LATENCY_MAX * 1000,
          "max $f->{maxlat} ms: $f->{maxlat_rec}{method} $f->{maxlat_rec}{path} sent at "
          . rel($sc, $f->{maxlat_rec}{t0}) . " s answered $f->{maxlat_rec}{status}");
    my ($rec, $tail, $lastbad) = recovery($sc->{recs}, $t_up);
    $f->{recovery} = defined $rec ? sprintf('%.3f s', $rec) : 'never';
    check($sc, 'only 2xx from at most 1 s after PING succeeds, for >= 1 s',
          defined $rec && $rec <= 1.0 && $tail >= 1.0,
          defined $rec ? sprintf('recovery %.3f s, clean tail %.2f s; last failure sent at %s s: %s',
                                 $rec, $tail, $lastbad ? (rel($sc, $lastbad->{t0}), "$lastbad->{status} $lastbad->{code}") : ('-', '-'))
                       : 'no clean tail');
    my $v = verify_writes($sc, $sc->{recs}, sub { $_[0]{t0} > $t_kill });
    lost_check($sc, $v);
    my $outage = grep { $_->{t0} >= $t_kill && $_->{t0} < $t_up } @{ $sc->{recs} };
    $f->{extra} = sprintf 'down %.1fs; %d docs checked', $t_up - $t_kill, $v->{checked};
    $f->{extra_long} = sprintf 'Redis down %.3f s (SIGKILL at %s s, PING ok at %s s), %d requests sent meanwhile; failures: %s; %d documents created after the restart verified',
        $t_up - $t_kill, rel($sc, $t_kill), rel($sc, $t_up), $outage, $f->{errors}, $v->{checked};
}

# 2. appendonly yes + appendfsync always; SIGKILL mid write load (twice),
#    restart: every acknowledged write is there afterwards.
sub s_aof {
    my $sc = shift;
    setup($sc, redis_conf => ['appendonly yes', 'appendfsync always']);
    start_load($sc, mix => { post => 6, get => 1, patch => 3 });
    my @down;
    for my $at (2.5, 5.5) {
        tick($sc, $sc->{t0} + $at);
        my $t_kill = event($sc, "kill\@$at");
        $env->redis_kill or die "Redis did not die on SIGKILL\n";
        tick($sc, $t_kill + 0.5);
        my $t_up = event($sc, "ping_ok\@$at", redis_restart($sc));
        push @down, $t_up - $t_kill;
    }
    tick($sc, $sc->{t0} + 9);
    stop_load($sc);
    my $aof = $env->redis_cli('CONFIG', 'GET', 'appendfsync');
    check($sc, 'Redis runs with appendfsync always', $aof =~ /always/, $aof);

    my $f = figures($sc, $sc->{recs});
    common_checks($sc);
    my $v = verify_writes($sc, $sc->{recs});
    lost_check($sc, $v);
    my $acked_patch = grep { $_->{kind} eq 'patch' && $_->{status} == 200 } @{ $sc->{recs} };
    my $unknown = grep { $_->{kind} ne 'get' && $_->{status} != 201 && $_->{status} != 200 } @{ $sc->{recs} };
    $f->{extra} = sprintf '%d docs + %d patches checked', $v->{checked}, $acked_patch;
    $f->{extra_long} = sprintf 'two SIGKILLs (down %s s); %d acknowledged POSTs and %d acknowledged PATCHes checked by GET after the load; %d writes unacknowledged; failures: %s',
        join(' and ', map { sprintf '%.3f', $_ } @down), $v->{checked}, $acked_patch, $unknown, $f->{errors};
}

# 3. Redis SIGSTOPped for 2 s: 504 after the timeout, bounded memory,
#    normal service within 1 s of SIGCONT.
sub s_pause {
    my $sc = shift;
    setup($sc);
    start_load($sc, mix => { post => 4, get => 4, patch => 2 });
    tick($sc, $sc->{t0} + 3);
    my $t_stop = event($sc, 'sigstop');
    $env->redis_signal('STOP');
    tick($sc, $t_stop + 2);
    my $t_cont = event($sc, 'sigcont');
    $env->redis_signal('CONT');
    tick($sc, $t_cont + 3);
    stop_load($sc);

    my $f = figures($sc, $sc->{recs});
    common_checks($sc);
    my $n504 = grep { $_->{status} == 504 && $_->{class} eq 'clear' } @{ $sc->{recs} };
    my @r504 = sort { $a <=> $b } map { $_->{lat} } grep { $_->{status} == 504 } @{ $sc->{recs} };
    check($sc, 'requests get 504 problem+json after the timeout', $n504 > 0
          && $r504[-1] >= $TIMEOUT - 0.05,
          "$n504 x 504" . (@r504 ? sprintf(', their latency %.0f..%.0f ms', $r504[0] * 1000, $r504[-1] * 1000) : ''));
    check($sc, "no request waits longer than ${\ ($LATENCY_MAX*1000)} ms", $f->{maxlat} <= $LATENCY_MAX * 1000,
          "max $f->{maxlat} ms: $f->{maxlat_rec}{method} $f->{maxlat_rec}{path} sent at "
          . rel($sc, $f->{maxlat_rec}{t0}) . " s answered $f->{maxlat_rec}{status}");
    my $before = rss_max($sc, $t_stop - 1, $t_stop);
    my $during = rss_max($sc, $t_stop, $t_cont + 1);
    my $after = rss_max($sc, $t_cont + 1, time);
    my ($growth, @per) = (0);
    for my $p (sort keys %$before) {
        my $m = $during->{$p} // 0;
        $m = $after->{$p} if ($after->{$p} // 0) > $m;
        my $g = $m - $before->{$p};
        $growth = $g if $g > $growth;
        push @per, sprintf '%d: %d -> max %d -> %d kB', $p, $before->{$p}, $during->{$p} // 0, $after->{$p} // 0;
    }
    check($sc, 'worker RSS grows by at most 50 MB', $growth <= 50 * 1024, join('; ', @per));
    my ($rec, $tail, $lastbad) = recovery($sc->{recs}, $t_cont);
    $f->{recovery} = defined $rec ? sprintf('%.3f s', $rec) : 'never';
    check($sc, 'only 2xx from at most 1 s after SIGCONT, for >= 1 s',
          defined $rec && $rec <= 1.0 && $tail >= 1.0,
          defined $rec ? sprintf('recovery %.3f s, clean tail %.2f s', $rec, $tail) : 'no clean tail');
    my $v = verify_writes($sc, $sc->{recs});
    lost_check($sc, $v);
    $f->{extra} = sprintf 'RSS +%.1f MB; %d x 504', $growth / 1024, $n504;
    $f->{extra_long} = sprintf 'worker RSS (before -> max during -> after): %s; failures: %s', join('; ', @per), $f->{errors};
}

# 4. SCRIPT FLUSH, then CLIENT KILL TYPE normal (redis-cli) under load.
sub s_flush {
    my $sc = shift;
    setup($sc);
    start_load($sc, mix => { post => 4, get => 3, patch => 3 });
    my $cli = $env->redis_cli_session;
    tick($sc, $sc->{t0} + 3);
    my ($out1, $tf0, $tf1) = $cli->('SCRIPT FLUSH');
    event($sc, 'script_flush_sent', $tf0);
    event($sc, 'script_flush_done', $tf1);
    tick($sc, $sc->{t0} + 5.5);
    my ($out2, $tk0, $tk1) = $cli->('CLIENT KILL TYPE normal');
    event($sc, 'client_kill_sent', $tk0);
    event($sc, 'client_kill_done', $tk1);
    $cli->(undef);
    tick($sc, $tk1 + 3);
    stop_load($sc);
    check($sc, 'SCRIPT FLUSH answered OK', $out1 eq 'OK', $out1);
    check($sc, 'CLIENT KILL killed connections', $out2 =~ /^\d+$/ && $out2 > 0, $out2);

    my $f = figures($sc, $sc->{recs});
    common_checks($sc);
    my @fail = grep { $_->{class} ne 'ok' } @{ $sc->{recs} };
    # In flight: sent before redis-cli had the CLIENT KILL reply (Redis
    # closed the connections within [tk0, tk1], a round trip of about a
    # millisecond), plus 2 ms for a worker that has not yet read the EOF
    # when the request arrives.  Later failures were sent after nginx
    # knew the connections were gone.
    my $slack = 0.002;
    my @flush = grep { $_->{t1} >= $tf0 && $_->{t1} < $tk0 } @fail;
    my @inflight = grep { $_->{t0} <= $tk1 + $slack && $_->{t1} >= $tk0 } @fail;
    my @late = sort { $a->{t0} <=> $b->{t0} } grep { $_->{t0} > $tk1 + $slack } @fail;
    my @early = grep { $_->{t1} < $tf0 } @fail;
    check($sc, 'SCRIPT FLUSH is transparent (no failure)', !@flush && !@early,
          scalar(@flush) . ' failed around the flush, ' . scalar(@early) . ' before it');
    check($sc, 'after CLIENT KILL only the requests in flight fail', !@late,
          @late ? sprintf('%d failed that were sent after CLIENT KILL had returned (kill window %s..%s s, %.2f ms), from +%.1f to +%.1f ms after it; e.g. %s',
                          scalar @late, rel($sc, $tk0), rel($sc, $tk1), ($tk1 - $tk0) * 1000,
                          ($late[0]{t0} - $tk1) * 1000, ($late[-1]{t0} - $tk1) * 1000,
                          join(', ', map { sprintf '%s %s sent +%.1f ms answered %s %s after %.1f ms',
                               $_->{method}, $_->{path}, ($_->{t0} - $tk1) * 1000, $_->{status},
                               $_->{code}, $_->{lat} * 1000 } @late[0 .. ($#late < 2 ? $#late : 2)]))
                : '');
    my $v = verify_writes($sc, $sc->{recs});
    lost_check($sc, $v);
    my ($rec) = recovery($sc->{recs}, $tk1);
    $f->{recovery} = defined $rec ? sprintf('%.3f s', $rec) : 'never';
    my $nosc = () = $env->log_grep(qr/was not loaded, sending it with EVAL/);
    $f->{extra} = sprintf 'failed %d (in flight %d, after %d)', scalar @fail, scalar @inflight, scalar @late;
    $f->{extra_long} = sprintf 'CLIENT KILL killed %s connections; failed %d: %d in flight at the kill, %d sent after it, %d around SCRIPT FLUSH; %d NOSCRIPT retries logged; failures: %s',
        $out2, scalar @fail, scalar @inflight, scalar @late, scalar @flush, $nosc, $f->{errors};
}

# One client of scenario 5: connect, send (all or part of) a request, and
# return the socket.
sub abort_request {
    my $i = shift;
    my @r = (
        sub { my $b = '{"name":"abort","n":' . int(rand 1e6) . '}';
              "POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              . 'Content-Length: ' . length($b) . "\r\n\r\n$b" },
        sub { "GET /v1/items/abort" . int(rand 1e6) . " HTTP/1.1\r\nHost: x\r\n\r\n" },
        sub { "GET /health HTTP/1.1\r\nHost: x\r\n\r\n" },
        sub { my $b = '{"x":1}';
              "PATCH /v1/items/abort" . int(rand 1e6) . " HTTP/1.1\r\nHost: x\r\n"
              . "Content-Type: application/merge-patch+json\r\n"
              . 'Content-Length: ' . length($b) . "\r\n\r\n$b" },
    );
    return $r[$i % @r]->();
}

sub abort_clients {
    my ($n, $paused, $stats) = @_;
    my @socks;
    for my $i (0 .. $n - 1) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $HPORT, Timeout => 2);
        if (!$s) { $stats->{connect_failed}++; next }
        my $req = abort_request($i);
        # without a pause, every fifth sends only half of its request
        $req = substr($req, 0, int(length($req) / 2)) if !$paused && $i % 5 == 4;
        syswrite($s, $req);
        # every other one is reset (SO_LINGER 0) rather than closed
        setsockopt($s, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0)) if $i % 2;
        if ($paused) { push @socks, $s } else { close $s }
        $stats->{sent}++;
    }
    if (@socks) {
        sleep 0.1;                # nginx has sent the commands to Redis
        close $_ for @socks;
        sleep 0.05;               # and has seen the clients go
    }
}

sub paused_aborts {
    my ($sc, $n, $stats) = @_;
    while ($n > 0) {
        my $k = $n > 100 ? 100 : $n;
        my $t = time;
        $env->redis_signal('STOP');
        abort_clients($k, 1, $stats);
        $env->redis_signal('CONT');
        my $d = time - $t;
        $stats->{max_pause} = $d if $d > ($stats->{max_pause} // 0);
        $n -= $k;
        tick($sc, time + 0.15);
    }
}

sub unpaused_aborts {
    my ($sc, $n, $stats) = @_;
    while ($n > 0) {
        my $k = $n > 50 ? 50 : $n;
        abort_clients($k, 0, $stats);
        $n -= $k;
        tick($sc, time + 0.03);
    }
}

# 5. 1,000 clients that close mid-request.
sub s_aborts {
    my $sc = shift;
    setup($sc);
    start_load($sc, mix => { post => 4, get => 4, patch => 2 }, rate => $RATE / 2);
    tick($sc, $sc->{t0} + 1);
    my %warm;
    paused_aborts($sc, 100, \%warm);
    unpaused_aborts($sc, 100, \%warm);
    tick($sc, time + 1);
    my $rss_warm = rss_now();
    my $ta = event($sc, 'aborts_start');
    my %st;
    my $half = int($ABORTS / 2);
    paused_aborts($sc, $half, \%st);
    unpaused_aborts($sc, $ABORTS - $half, \%st);
    my $tb = event($sc, 'aborts_done');
    tick($sc, $tb + 1);
    my $rss_after = rss_now();
    tick($sc, $tb + 2.5);
    stop_load($sc);

    my $f = figures($sc, $sc->{recs});
    common_checks($sc);
    my ($growth, @per) = (0);
    for my $p (sort keys %$rss_warm) {
        my $g = ($rss_after->{$p} // 0) - $rss_warm->{$p};
        $growth = $g if $g > $growth;
        push @per, sprintf '%d: %d -> %d kB', $p, $rss_warm->{$p}, $rss_after->{$p} // 0;
    }
    my $slack = 2048;
    check($sc, "worker RSS does not grow (slack $slack kB)", $growth <= $slack, join('; ', @per));
    check($sc, "$ABORTS aborting clients connected and sent", ($st{sent} // 0) == $ABORTS && !$st{connect_failed},
          sprintf('%d sent, %d could not connect', $st{sent} // 0, $st{connect_failed} // 0));
    check($sc, 'each Redis pause stayed under the 500 ms timeout', ($st{max_pause} // 0) < 0.45,
          sprintf('longest pause %.0f ms', ($st{max_pause} // 0) * 1000));
    my @after = grep { $_->{t0} > $tb + 0.2 } @{ $sc->{recs} };
    my $bad_after = grep { $_->{class} ne 'ok' } @after;
    check($sc, 'normal service afterwards (only 2xx)', @after > 100 && !$bad_after,
          sprintf('%d requests after the aborts, %d not 2xx', scalar @after, $bad_after));
    # the POSTs of aborted clients that Redis ran anyway: their commands
    # were in flight when the client went (replies dropped)
    my $ran = $env->redis_cli('EVAL', q{local n = 0
        for _, k in ipairs(redis.call('KEYS', 'api:{items}:*')) do
            local d = redis.call('HGET', k, 'd')
            if d and string.find(d, '"name":"abort"', 1, true) then n = n + 1 end
        end
        return n}, '0');
    check($sc, 'aborted requests had their commands in flight (some aborted POSTs are in Redis)',
          $ran =~ /^\d+$/ && $ran > 0, "$ran documents of aborted POSTs in Redis");
    my $v = verify_writes($sc, $sc->{recs});
    lost_check($sc, $v);
    $f->{extra} = sprintf 'RSS +%d kB', $growth;
    $f->{extra_long} = sprintf "RSS after warm-up -> after the $ABORTS: %s; longest Redis pause %.0f ms; %s aborted POSTs ran in Redis; failures: %s",
        join('; ', @per), ($st{max_pause} // 0) * 1000, $ran, $f->{errors};
}

# 6. nginx -s reload (SIGHUP to the master) three times under load.
sub s_reload {
    my $sc = shift;
    setup($sc);
    my $ka = $ENV{FAULTS_RELOAD_KEEPALIVE} ? 1 : 0;
    start_load($sc, mix => { post => 4, get => 4, patch => 2 }, keepalive => $ka);
    my @reloads;
    my $poll = sub {
        my $now = shift;
        for my $r (@reloads) {
            next if defined $r->{gone};
            $r->{gone} = $now - $r->{t} if !grep { kill 0, $_ } @{ $r->{old} };
        }
    };
    for my $at (2, 5, 8) {
        tick($sc, $sc->{t0} + $at, $poll);
        my @old = $env->workers;
        my $t = event($sc, "reload\@$at");
        kill 'HUP', $env->master or die "kill -HUP: $!\n";
        push @reloads, { t => $t, old => \@old };
    }
    tick($sc, $sc->{t0} + 11, $poll);
    stop_load($sc);
    my $deadline = $reloads[-1]{t} + 6;
    while (time < $deadline && grep { !defined $_->{gone} } @reloads) {
        tick($sc, time + 0.05, $poll);
    }
    my $f = figures($sc, $sc->{recs});
    common_checks($sc, reload => 1, no_clear_check => 1);
    check($sc, 'zero failed requests (every response 2xx, no reset without response)',
          $f->{ok} == $f->{requests}, "failures: $f->{errors}");
    my @g = map { defined $_->{gone} ? sprintf('%.2f', $_->{gone}) : 'never' } @reloads;
    check($sc, 'old workers gone within 5 s of each reload',
          !(grep { !defined $_->{gone} || $_->{gone} > 5 } @reloads), 'gone after ' . join(', ', @g) . ' s');
    my @w = $env->workers;
    my %old = map { $_ => 1 } map { @{ $_->{old} } } @reloads;
    check($sc, 'two new workers after the reloads', @w == 2 && !(grep { $old{$_} } @w), "workers now: @w");
    my $v = verify_writes($sc, $sc->{recs});
    lost_check($sc, $v);
    $f->{extra} = 'old gone ' . join('/', @g) . ' s';
    $f->{extra_long} = sprintf '%s connections; old workers gone %s s after each SIGHUP; failures: %s',
        $ka ? 'keep-alive' : 'Connection: close', join(', ', @g), $f->{errors};
}


# One client of scenario 7: the headers and all but the last 20 bytes of
# a body of $BODY_MAX bytes, with Content-Length or in 64 KiB chunks; the
# socket stays open.
sub stalled_body {
    my ($i, $chunked) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $HPORT, Timeout => 5)
        or die "connect: $!\n";
    my $doc = '{"s":"' . ('x' x ($BODY_MAX - 8)) . '"}';
    my $head = "POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    my $body;
    if ($chunked) {
        $head .= "Transfer-Encoding: chunked\r\n\r\n";
        $body = join '', map { sprintf("%x\r\n", length $_) . $_ . "\r\n" } unpack('(a65536)*', $doc);
        # stop 20 bytes before the end of the last chunk's data
        $body = substr($body, 0, length($body) - 2 - 20);
    } else {
        $head .= "Content-Length: " . length($doc) . "\r\n\r\n";
        $body = substr($doc, 0, length($doc) - 20);
    }
    my $out = $head . $body;
    while (length $out) {
        my $n = syswrite($s, $out);
        die "write: $!\n" if !defined $n;
        substr($out, 0, $n) = '';
    }
    return $s;
}

# The sum of the workers' VmRSS (kB), the highest of samples over $secs.
sub rss_total {
    my ($sc, $secs) = @_;
    my $max = 0;
    my $end = time + $secs;
    while (1) {
        my $t = 0;
        $t += $env->rss_kb($_) // 0 for $env->workers;
        push @{ $sc->{rss} }, map { [time, $_, $env->rss_kb($_) // 0] } $env->workers;
        $max = $t if $t > $max;
        last if time >= $end;
        sleep 0.1;
    }
    return $max;
}

# A raw request; returns (status, Content-Type, code, seconds to answer).
sub timed_request {
    my $req = shift;
    my $t = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $HPORT, Timeout => 5)
        or return (0, '', '', 0);
    syswrite($s, $req);
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = $t + 5;
    while (time < $end && $buf !~ /\r\n\r\n.*"code"/s && $sel->can_read($end - time)) {
        my $n = sysread($s, $buf, 65536, length $buf);
        last if !$n;
    }
    my $d = time - $t;
    close $s;
    my ($st) = $buf =~ m{^HTTP/1\.\d (\d{3})};
    my ($ct) = $buf =~ m{\r\nContent-Type: ([^\r]*)}i;
    my ($code) = $buf =~ m{"code":"([^"]*)"};
    return ($st // 0, $ct // '', $code // '', $d);
}

# 7. Bodies that stop 20 bytes before their end: the memory each one
#    holds, with Content-Length and chunked; too large a body refused at
#    the header or chunk line that shows it.
sub s_bodies {
    my $sc = shift;
    setup($sc);
    # warm-up: small requests fault in what every request touches
    for (1 .. 20) {
        timed_request("POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      . "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}");
    }
    my $mib = $BODY_MAX / 1024;
    my (%per, @socks);
    for my $kind ('length', 'chunked') {
        my $before = rss_total($sc, 0.3);
        event($sc, "${kind}_start");
        push @socks, stalled_body($_, $kind eq 'chunked') for 1 .. $STALLS;
        event($sc, "${kind}_sent");
        tick($sc, time + 1);       # nginx has read what was sent
        my $after = rss_total($sc, 0.5);
        $per{$kind} = ($after - $before) / $STALLS;
        check($sc, sprintf('a stalled %s body holds at most 1.1 x its size (%d kB)',
                           $kind eq 'chunked' ? 'chunked' : 'Content-Length', 1.1 * $mib),
              $per{$kind} <= 1.1 * $mib,
              sprintf('%d bodies: workers %d -> %d kB, %.0f kB each = %.2f x %d kB',
                      $STALLS, $before, $after, $per{$kind}, $per{$kind} / $mib, $mib));
    }
    # too large: refused at the header, and at the chunk line
    my $h = "PUT /v1/items/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    my @big = (
        ['Content-Length', $h . 'Content-Length: ' . ($BODY_MAX + 1) . "\r\n\r\n{\"a\":\""],
        ['a chunk line', $h . "Transfer-Encoding: chunked\r\n\r\n" . sprintf('%x', $BODY_MAX + 1) . "\r\n{\"a\":\""],
        ['a later chunk line', $h . "Transfer-Encoding: chunked\r\n\r\n10000\r\n" . ('x' x 65536)
                               . "\r\n" . sprintf('%x', $BODY_MAX - 65535) . "\r\nxx"],
    );
    my @at;
    for my $b (@big) {
        my ($st, $ct, $code, $d) = timed_request($b->[1]);
        push @at, sprintf '%s: %s %s in %.0f ms', $b->[0], $st, $code, $d * 1000;
        check($sc, "a body over the limit announced by $b->[0]: 413 problem+json at once (< 1 s)",
              $st == 413 && $ct =~ m{^application/problem\+json} && $code eq 'body_too_large' && $d < 1,
              "$st $ct $code after " . sprintf('%.3f s', $d));
    }
    close $_ for @socks;
    tick($sc, time + 0.5);
    common_checks($sc, no_clear_check => 1);
    my $f = $sc->{fig} ||= {};
    $f->{extra} = sprintf 'per body: length %.2fx, chunked %.2fx', $per{length} / $mib, $per{chunked} / $mib;
    $f->{extra_long} = sprintf '%d stalled bodies of each kind, %d kB each less 20 bytes: Content-Length +%.0f kB each (%.2f x), chunked +%.0f kB each (%.2f x) of worker RSS; too large: %s',
        $STALLS, $mib, $per{length}, $per{length} / $mib, $per{chunked}, $per{chunked} / $mib, join('; ', @at);
}
