package Test::Nginx::Util;

# Bundled, self-written clone of the CPAN Test::Nginx::Util (openresty/test-nginx).
#
# This half of the harness owns everything that is not HTTP: the settings
# taken from TEST_NGINX_* environment variables and preamble functions, the
# server root and nginx.conf generation, starting and stopping nginx, the
# per-block driver (run_tests / run_test), error.log access and the hook
# registries.  The HTTP client and the response checks live in
# Test::Nginx::Socket, which plugs itself in through $RunTestHelper and
# $CheckErrorLog.
#
# Only core Perl modules plus Debian-packaged Test::Base / Test::LongString /
# HTTP::Message are used.

use strict;
use warnings;

use base 'Exporter';

use Carp qw(croak);
use Config ();
use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Socket::INET ();
use List::Util qw(shuffle);
use POSIX qw(SIGQUIT SIGKILL SIGTERM WNOHANG);
use Scalar::Util qw(looks_like_number);
use Test::More ();
use Test::LongString ();
use Time::HiRes qw(sleep);

our $VERSION = '0.29';

# ---------------------------------------------------------------------------
# Settings (environment first, preamble functions may override them later)
# ---------------------------------------------------------------------------

our $Verbose          = $ENV{TEST_NGINX_VERBOSE};
our $NoLongString;
our $RepeatEach       = 1;
our $NoShuffle        = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $NoNginxManager   = $ENV{TEST_NGINX_NO_NGINX_MANAGER} || 0;
our $LoadModules      = $ENV{TEST_NGINX_LOAD_MODULES};
our $Timeout          = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $CheckAccumErrLog = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $EventType        = $ENV{TEST_NGINX_EVENT_TYPE};
our $PostponeOutput   = $ENV{TEST_NGINX_POSTPONE_OUTPUT};
our $ReusePort        = $ENV{TEST_NGINX_REUSE_PORT};
our $Randomize        = $ENV{TEST_NGINX_RANDOMIZE};
our $NginxBinary      = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $LogLevel         = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $DaemonEnabled    = 'on';
our $Workers          = 1;
our $WorkerConnections = 64;
our $NoRootLocation   = 0;
our $TestNginxSleep   = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $BuildSlaveName   = $ENV{TEST_NGINX_BUILDSLAVE};
our $ForceRestartOnTest = defined $ENV{TEST_NGINX_FORCE_RESTART_ON_TEST}
                        ? $ENV{TEST_NGINX_FORCE_RESTART_ON_TEST} : 1;
our $ServerAddr       = '127.0.0.1';
our $ServerName       = 'localhost';
our $ServerPort       = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
                        || 1984;
our $ServerPortForClient = $ENV{TEST_NGINX_CLIENT_PORT} || $ServerPort || 1984;
our $ConfigPreamble   = '';
our @EnvToNginx;

# The systemtap, valgrind, HUP-reload, leak-check and benchmark modes of the
# real module are not implemented; sections that depend on them degrade to
# skipped assertions (see test_stap in Socket.pm).
our $UseStap;
our $CheckLeak = 0;
our $Benchmark = 0;

# How long (seconds) a failing nginx start is retried before bailing out.
# The real module hard-codes about 30 s; it is a variable here only so the
# harness self-tests can exercise the bail-out path quickly.
our $StartRetrySeconds = 30;

our $WorkerUser = $ENV{TEST_NGINX_WORKER_USER};
if (defined $WorkerUser && $WorkerUser !~ /^\w+(?:\s+\w+)?$/) {
    die "Bad value in the env TEST_NGINX_WORKER_USER: $WorkerUser\n";
}

# Hooks registered by test files.  Both lists are run newest-first, exactly
# like the real module (it unshifts new entries).
our @BlockPreprocessors;
our @CleanupHandlers;

# Plug points filled in by Test::Nginx::Socket (or a subclass).
our $RunTestHelper;
our $CheckErrorLog;
our $CheckShutdownErrorLog;
our $FilterHttpConfig;

# Runtime state.
our ($NginxVersion, $NginxRawVersion, $OpenSSLVersion);
our $PrevConfig;
our $PrevBlock;
our $ErrLogFilePos = 0;
our $CurrentRandPorts = {};    # $TEST_NGINX_RAND_PORT_N values of the running block
our $InSubprocess;
our $ChildPid;
our $TcpServerPid;
our $UdpServerPid;

srand $$;

sub bail_out (@);
sub cleanup ();
sub timeout (@);
sub run_test ($);

# ---------------------------------------------------------------------------
# Ports and server root
# ---------------------------------------------------------------------------

# Pick a random free TCP port on $ServerAddr.  Ports in %$used are skipped;
# so are the ports reserved for other services on the CI machines.
sub gen_rand_port (;$$) {
    my ($tries, $used) = @_;
    $tries //= 1000;
    $used  //= {};

    for (1 .. $tries) {
        my $port = 1985 + int rand(65535 - 1985);
        next if $used->{$port};
        next if ($port >= 6379 && $port <= 6400) || $port == 8080;

        my $probe = IO::Socket::INET->new(
            LocalAddr => $ServerAddr,
            LocalPort => $port,
            Proto     => 'tcp',
        );
        if ($probe) {
            $probe->close;
            return $port;
        }
    }
    return undef;
}

if ($Randomize) {
    $ServerPort = gen_rand_port(1000);
    if (!defined $ServerPort) {
        bail_out "Cannot find an available listening port number after 1000 attempts.\n";
    }
    $ServerPortForClient = $ServerPort;
}

our $ServRoot = $Randomize
    ? File::Spec->rel2abs("t/servroot_$ServerPort")
    : ($ENV{TEST_NGINX_SERVROOT} || File::Spec->rel2abs('t/servroot'));
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;

our $LogDir     = File::Spec->catfile($ServRoot, 'logs');
our $ErrLogFile = File::Spec->catfile($LogDir, 'error.log');
our $AccLogFile = File::Spec->catfile($LogDir, 'access.log');
our $HtmlDir    = File::Spec->catfile($ServRoot, 'html');
our $ConfDir    = File::Spec->catfile($ServRoot, 'conf');
our $ConfFile   = File::Spec->catfile($ConfDir, 'nginx.conf');
our $PidFile    = File::Spec->catfile($LogDir, 'nginx.pid');

# ---------------------------------------------------------------------------
# Preamble API (getters/setters used above __DATA__)
# ---------------------------------------------------------------------------

sub no_long_string ()        { $NoLongString = 1 }
sub no_shuffle ()            { $NoShuffle = 1 }
sub no_nginx_manager ()      { $NoNginxManager = 1 }
sub no_root_location ()      { $NoRootLocation = 1 }
sub use_hup ()               { }    # HUP reload mode is not supported
sub check_accum_error_log () { $CheckAccumErrLog = 1 }
sub master_on ()             { $MasterProcessEnabled = 'on' }
sub master_off ()            { $MasterProcessEnabled = 'off' }
sub html_dir ()              { $HtmlDir }
sub server_root ()           { $ServRoot }
sub sleep_time               { $TestNginxSleep }
sub verbose                  { $Verbose }
sub stap_out_fh              { undef }
sub stap_out_fname           { undef }

sub config_preamble ($) { $ConfigPreamble = shift }

# Setter when given an argument, getter otherwise.
sub _accessor {
    my ($ref, @args) = @_;
    $$ref = $args[0] if @args;
    return $$ref;
}

sub timeout (@)                { _accessor(\$Timeout, @_) }
sub workers (@)                { _accessor(\$Workers, @_) }
sub worker_connections (@)     { _accessor(\$WorkerConnections, @_) }
sub log_level (@)              { _accessor(\$LogLevel, @_) }
sub server_addr (@)            { _accessor(\$ServerAddr, @_) }
sub server_name (@)            { _accessor(\$ServerName, @_) }
sub server_port (@)            { _accessor(\$ServerPort, @_) }
sub server_port_for_client (@) { _accessor(\$ServerPortForClient, @_) }
sub repeat_each (@)            { _accessor(\$RepeatEach, @_) }

sub master_process_enabled (@) {
    return $MasterProcessEnabled unless @_;
    $MasterProcessEnabled = $_[0] ? 'on' : 'off';
}

sub env_to_nginx (@) {
    croak "env_to_nginx: no arguments specified" unless @_;
    for my $v (@_) {
        croak "env_to_nginx: bad argument value: $v\n"
            if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

# add_block_preprocessor(sub { my $block = shift; ... })
# Called for every block, in run_tests, right before that block is run (and
# so before its nginx is configured and started).  Newest hook runs first.
sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }

# add_cleanup_handler(sub { ... })
# Called (with no arguments) from cleanup(): at the end of run_tests, on
# bail_out and from the END block.  Newest hook runs first.
sub add_cleanup_handler ($) { unshift @CleanupHandlers, shift }

# String comparison honouring no_long_string() and qr// expectations.
sub is_str (@) {
    my ($got, $expected, $desc) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    if (ref $expected && ref $expected eq 'Regexp') {
        return Test::More::like($got, $expected, $desc);
    }
    return Test::More::is($got, $expected, $desc) if $NoLongString;
    return Test::LongString::is_string($got, $expected, $desc);
}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

# True while the process exists.  A daemonised nginx is not our child, so
# once it exits it can linger as a zombie until init reaps it (up to ~1-2 s
# on some container inits); a zombie has released its sockets and counts as
# gone here, which keeps per-block restarts fast.
sub is_running ($) {
    my $pid = shift;
    return 0 unless kill 0, $pid;
    if (open my $fh, '<', "/proc/$pid/stat") {
        my $stat = <$fh> // '';
        close $fh;
        return 0 if $stat =~ /^\d+ \(.*\) Z /s;
    }
    return 1;
}

# "3", "3s" and "300ms" are all accepted; the result is in seconds.
sub parse_time ($) {
    my $tm = shift;
    return $tm unless defined $tm;
    if ($tm =~ s/([^_a-zA-Z])ms$/$1/) {
        $tm = $tm / 1000;
    } else {
        $tm =~ s/([^_a-zA-Z])s$/$1/;
    }
    return $tm;
}

# Collapse whitespace (used for short summaries in test names).
sub trim ($) {
    my $s = shift;
    return undef unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    $s =~ s/\n/ /g;
    $s =~ s/\s{2,}/ /g;
    return $s;
}

sub show_all_chars ($) {
    my $s = shift;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    return $s;
}

# Parse a response_headers(_like) section into an ordered list of
# [name, value] pairs; "!Name" (or a line without a colon) yields an undef
# value, meaning "must be absent".  A repeated name keeps its first position
# and its last value (the real module stores them in a hash).
sub parse_headers ($) {
    my $s = shift;
    my (@order, %val);
    for my $line (split /\n/, $s) {
        $line =~ s/^\s+|\s+$//g;
        my ($key, $v);
        if ($line =~ s/^!\s*//) {
            $key = $line;
        } else {
            ($key, $v) = split /\s*:\s*/, $line, 2;
            $key = '' unless defined $key;
        }
        push @order, $key unless exists $val{$key};
        $val{$key} = $v;
    }
    return [ map { [ $_, $val{$_} ] } @order ];
}

sub get_canon_version (@) {
    return sprintf "%d.%03d%03d", $_[0], $_[1], $_[2];
}

sub _canon_openssl_version (@) {
    my ($a, $b, $c, $letter) = @_;
    return get_canon_version($a, $b, $c) unless defined $letter;
    return sprintf "%d.%03d%03d%03d", $a, $b, $c, ord($letter) - ord('a');
}

sub get_nginx_version () {
    my $out = `$NginxBinary -V 2>&1`;
    if (!defined $out || $? != 0) {
        $out //= '';
        bail_out("Failed to get the version of the Nginx in PATH: $out");
    }
    if ($out =~ m{built with OpenSSL (\d+)\.(\d+)\.(\d+)([a-z])?}s) {
        $OpenSSLVersion = _canon_openssl_version($1, $2, $3, $4);
    }
    if ($out =~ m{(?:nginx|openresty)[^/]*/(\d+)\.(\d+)\.(\d+)}s
        || $out =~ m{\w+/(\d+)\.(\d+)\.(\d+)}s)
    {
        $NginxRawVersion = "$1.$2.$3";
        return get_canon_version($1, $2, $3);
    }
    bail_out("Failed to parse the output of \"nginx -V\": $out\n");
}

sub get_pid_from_pidfile ($) {
    my ($name) = @_;
    open my $in, '<', $PidFile
        or bail_out("$name - Failed to open the pid file $PidFile for reading: $!");
    my $pid = do { local $/; <$in> };
    close $in;
    chomp $pid if defined $pid;
    return $pid;
}

# Locate an executable the way a shell would.
sub can_run {
    my ($cmd) = @_;
    if ($cmd =~ m{[/\\]}) {
        return (-f $cmd && -x $cmd) ? $cmd : undef;
    }
    for my $dir ((split /\Q$Config::Config{path_sep}\E/, $ENV{PATH} // ''), '.') {
        next if $dir eq '';
        my $abs = File::Spec->catfile($dir, $cmd);
        return $abs if -f $abs && -x $abs;
    }
    return undef;
}

# Replace $TEST_NGINX_* references with values from %ENV.  The special
# $TEST_NGINX_RAND_PORT_<N> names get a free random port, stable within one
# block (shared through %$rand_ports).  An undefined variable aborts the run.
sub expand_env_in_text ($$$) {
    my ($text, $name, $rand_ports) = @_;
    return undef unless defined $text;
    $rand_ports //= {};

    my %used = ($ServerPort => 1, map { $_ => 1 } values %$rand_ports);

    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        my $value;
        if ($var =~ /^TEST_NGINX_RAND_PORT_[0-9]+$/) {
            if (!defined $rand_ports->{$var}) {
                my $port = gen_rand_port(1000, \%used);
                bail_out("$name - Cannot find an available listening port number for $var.\n")
                    unless defined $port;
                $rand_ports->{$var} = $port;
                $used{$port} = 1;
            }
            $value = $rand_ports->{$var};
        } else {
            bail_out("$name - No environment $var defined.\n")
                unless defined $ENV{$var};
            $value = $ENV{$var};
        }
        $value;
    }eg;

    return $text;
}

# ---------------------------------------------------------------------------
# Process control
# ---------------------------------------------------------------------------

# Stop a process: QUIT and wait up to timeout() when $wait is set, then
# escalate to TERM (up to 20 times) and finally KILL.
sub kill_process ($$$) {
    my ($pid, $wait, $name) = @_;
    return unless defined $pid && $pid =~ /^\d+$/ && $pid > 0;

    if ($wait) {
        kill SIGQUIT, $pid;
        my $left = timeout();
        while ($left > 0 && is_running($pid)) {
            waitpid $pid, WNOHANG;
            sleep 0.05;
            $left -= 0.05;
        }
    }

    my $step = $TestNginxSleep;
    for (1 .. 20) {
        waitpid $pid, WNOHANG;
        return unless is_running($pid);
        warn "WARNING: failed to send term signal to the child process with PID $pid.\n"
            if kill(SIGTERM, $pid) == 0;
        $step *= 1.2;
        $step = 0.5 if $step > 0.5;
        sleep $step;
    }

    warn "$name - WARNING: killing the child process $pid with force...";
    kill SIGKILL, $pid;
    waitpid $pid, WNOHANG;
    sleep 0.05;
}

sub cleanup () {
    warn "cleaning up everything" if $Verbose;

    $_->() for @CleanupHandlers;

    for my $pid_ref (\$UdpServerPid, \$TcpServerPid, \$ChildPid) {
        next unless defined $$pid_ref;
        kill_process($$pid_ref, 1, 'cleanup');
        undef $$pid_ref;
    }
}

sub bail_out (@) {
    cleanup();
    Test::More::BAIL_OUT(@_);
}

# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------

# New error.log lines since the previous call (or all lines when
# check_accum_error_log() is in effect).  Sleeps a little first so that
# lines logged after the response (log phase) have been written.
sub error_log_data () {
    sleep $TestNginxSleep * 3;

    open my $in, '<', $ErrLogFile or return [];
    if (!$CheckAccumErrLog && $ErrLogFilePos > 0) {
        seek $in, $ErrLogFilePos, 0;
    }
    my @lines = <$in>;
    $ErrLogFilePos = tell $in unless $CheckAccumErrLog;
    close $in;
    return \@lines;
}

sub access_log_data () {
    sleep $TestNginxSleep * 3;
    open my $in, '<', $AccLogFile or return [];
    my @lines = <$in>;
    close $in;
    return \@lines;
}

# Used by TEST_NGINX_IGNORE_MISSING_DIRECTIVES: name of the first unknown
# directive nginx complained about, or 0.
sub check_if_missing_directives () {
    open my $in, '<', $ErrLogFile
        or bail_out "check_if_missing_directives: Cannot open $ErrLogFile for reading: $!\n";
    while (my $line = <$in>) {
        return $1 if $line =~ /\[emerg\] \S+?: unknown directive "([^"]+)"/;
    }
    close $in;
    return 0;
}

# ---------------------------------------------------------------------------
# Server root, user files and nginx.conf
# ---------------------------------------------------------------------------

# Wipe conf/, html/, logs/, caches and temp dirs, then recreate the layout
# with the default html/index.html.
sub setup_server_root (;$) {
    if (-d $ServRoot) {
        remove_tree($ConfDir, $HtmlDir, $LogDir,
                    grep { -d } (glob("$ServRoot/*_cache"),
                                 "$ServRoot/cache",
                                 glob("$ServRoot/*_temp")));
        rmdir $ServRoot
            or bail_out "Can't remove $ServRoot (not empty?): $!";
    }

    for my $dir ($ServRoot, $LogDir, $HtmlDir) {
        next if -d $dir;
        mkdir $dir or bail_out "Failed to do mkdir $dir\n";
    }

    my $index = "$HtmlDir/index.html";
    open my $out, '>', $index
        or bail_out "Can't open $index for writing: $!\n";
    print $out '<html><head><title>It works!</title></head><body>It works!</body></html>';
    close $out;

    mkdir $ConfDir or bail_out "Failed to do mkdir $ConfDir\n";
}

# --- user_files: either ">>> path [touch-date]" text blocks or an eval'd
# array of [path, body, date] entries.  Relative paths go under html/.
sub write_user_files ($$) {
    my ($block, $rand_ports) = @_;
    my $name  = $block->name;
    my $files = $block->user_files;
    return unless $files;

    if (!ref $files) {
        my @list;
        for my $line (split /^/, $files) {
            if ($line =~ />>> (\S+)(?:\s+(.+))?/) {
                push @list, [ $1, undef, $2 ];
            } elsif (@list) {
                $list[-1][1] .= $line;
            }
        }
        $files = \@list;
    } elsif (ref $files ne 'ARRAY') {
        bail_out "$name - wrong value type: ", ref $files,
                 ", only scalar or ARRAY are accepted";
    }

    for my $file (@$files) {
        my ($fname, $body, $date) = @$file;
        $body //= '';
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";

        if ($path =~ m{(.*)/} && !-d $1) {
            make_path($1) or bail_out "$name - Cannot create directory ", $1;
        }

        $body = expand_env_in_text($body, $name, $rand_ports);

        open my $out, '>', $path
            or bail_out "$name - Cannot open $path for writing: $!\n";
        binmode $out;
        print $out $body;
        close $out;

        if ($date) {
            my $cmd = "TZ=GMT touch -t '$date' $path";
            system($cmd) == 0
                or bail_out "Failed to run shell command: $cmd\n";
        }
    }
}

sub write_config_file ($$$) {
    my ($block, $config, $rand_ports) = @_;
    my $name = $block->name;

    my $http_config = expand_env_in_text($block->http_config, $name, $rand_ports) // '';
    $http_config = $FilterHttpConfig->($http_config) if $FilterHttpConfig;

    my $extra_http_config = '';
    if (defined $PostponeOutput && $http_config !~ /\bpostpone_output\b/) {
        bail_out "Bad TEST_NGINX_POSTPONE_OUTPUT value: $PostponeOutput\n"
            if $PostponeOutput !~ /^\d+$/;
        $extra_http_config = "    postpone_output $PostponeOutput;\n";
    }

    # load_module lines go first in the main context, then --- main_config.
    my $main_config = '';
    if ($LoadModules) {
        my @mods = grep { length } split /\s+/, $LoadModules;
        $main_config .= join(' ', map { "load_module $_;" } @mods) . "\n" if @mods;
    }
    $main_config .= $block->main_config // '';
    $main_config = expand_env_in_text($main_config, $name, $rand_ports);

    my $post_main_config =
        expand_env_in_text($block->post_main_config, $name, $rand_ports) // '';

    $config //= '';

    my $err_log_file = $block->error_log_file || $ErrLogFile;
    my $server_name  = $block->server_name // $ServerName;
    my $listen_opts  = $ReusePort ? ' reuseport' : '';

    my $env_lines = '';
    for my $v (@EnvToNginx) {
        my $item = $v =~ /\s/ ? "'$v'" : $v;
        $env_lines .= "env $item;\n";
    }

    my $root_location = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_

    my $event_type = $EventType ? "    use $EventType;\n" : '';

    my $user = '';
    if (defined $WorkerUser) {
        $user = "user $WorkerUser;\n";
    } elsif ($> == 0) {
        $user = "user root;\n";
    }

    open my $out, '>', $ConfFile
        or bail_out "Can't open $ConfFile for writing: $!\n";

    print $out <<"_EOC_";
worker_processes  $Workers;
daemon $DaemonEnabled;
master_process $MasterProcessEnabled;
error_log $err_log_file $LogLevel;
pid       $PidFile;
env MOCKEAGAIN_VERBOSE;
env MOCKEAGAIN;
env MOCKEAGAIN_WRITE_TIMEOUT_PATTERN;
env LD_PRELOAD;
env LD_LIBRARY_PATH;
env DYLD_INSERT_LIBRARIES;
env DYLD_FORCE_FLAT_NAMESPACE;
${env_lines}#env LUA_PATH;
#env LUA_CPATH;

$main_config

http {
    access_log $AccLogFile;
    #access_log off;
    client_body_temp_path $ServRoot/client_body_temp;
    proxy_temp_path $ServRoot/proxy_temp;
    fastcgi_temp_path $ServRoot/fastcgi_temp;
    scgi_temp_path $ServRoot/scgi_temp;
    uwsgi_temp_path $ServRoot/uwsgi_temp;

    default_type text/plain;
    keepalive_timeout  68000ms;
$extra_http_config
$http_config

    server {
        listen          $ServerPort$listen_opts;
        server_name     '$server_name';

        client_max_body_size 30M;
        #client_body_buffer_size 4k;

        # Begin preamble config...
$ConfigPreamble
        # End preamble config...

        # Begin test case config...
$config
        # End test case config.

$root_location    }
}

$post_main_config

#timer_resolution 100ms;

events {
    accept_mutex off;

    worker_connections  $WorkerConnections;
$event_type}
env ASAN_OPTIONS;
env MOCKNOEAGAIN_VERBOSE;
env MOCKNOEAGAIN;
$user
_EOC_

    close $out;
}

# ---------------------------------------------------------------------------
# Skip / TODO specifications of a block
# ---------------------------------------------------------------------------

# Returns ($tests_to_skip, $should_skip, $skip_reason, $should_todo,
# $todo_reason) for the skip_eval / skip_nginx / skip_nginx2 / skip_slave /
# skip_openssl / todo_nginx / todo sections.
sub _skip_and_todo ($) {
    my $block = shift;
    my $name  = $block->name;
    my ($count, $skip, $reason, $todo, $todo_reason);

    my $ver_cmp = sub {
        my ($have, $op, $want) = @_;
        return 0 unless defined $have;
        return eval "$have $op $want";
    };

    if (defined(my $spec = $block->skip_eval)) {
        if ($spec =~ /^\s*(\d+)\s*:\s*(.*)/s) {
            ($count, $reason) = ($1, 'skip_eval');
            my $code = $2;
            $skip = eval $code;
            bail_out("$name - skip_eval - failed to eval the Perl code \"$code\": $@")
                if $@;
        }
    }

    if (defined(my $spec = $block->skip_nginx)) {
        $spec =~ m{^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)(?:\s*:\s*(.*))?\s*$}
            or bail_out("$name - Invalid --- skip_nginx spec: $spec");
        $count  = $1;
        $reason = $6 || "nginx version $2 $3.$4.$5";
        my ($op, $ver) = ($2, get_canon_version($3, $4, $5));
        $skip = 1 if (!defined $NginxVersion && $op =~ /^</)
                     || $ver_cmp->($NginxVersion, $op, $ver);

    } elsif (defined(my $spec2 = $block->skip_nginx2)) {
        $spec2 =~ m{^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)\s*(or|and)\s*
                     ([<>]=?)\s*(\d+)\.(\d+)\.(\d+)(?:\s*:\s*(.*))?\s*$}x
            or bail_out("$name - Invalid --- skip_nginx2 spec: $spec2");
        my @m = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);
        $count  = $m[0];
        $reason = $m[10];
        my $first  = $ver_cmp->($NginxVersion, $m[1], get_canon_version(@m[2 .. 4]));
        my $second = $ver_cmp->($NginxVersion, $m[6], get_canon_version(@m[7 .. 9]));
        $skip = 1 if !defined $NginxVersion
                     || ($m[5] eq 'or' ? ($first || $second) : ($first && $second));

    } elsif (defined(my $slave = $block->skip_slave) && defined $BuildSlaveName) {
        $slave =~ m{^\s*(\d+)\s*:\s*(\w+)\s*(?:(\w+)\s*)?(?:(\w+)\s*)?(?:\s*:\s*(.*))?\s*$}
            or bail_out("$name - Invalid --- skip_slave spec: $slave");
        $count  = $1;
        $reason = $5;
        $skip = 1 if grep { defined && ($_ eq 'all' || $_ eq $BuildSlaveName) }
                     ($2, $3, $4);
    }

    if (defined(my $spec = $block->skip_openssl)) {
        $spec =~ m{^\s*(\d+)\s*:\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)([a-z])?(?:\s*:\s*(.*))?\s*$}
            or bail_out("$name - Invalid --- skip_openssl spec: $spec");
        $count  = $1;
        my ($op, @v) = ($2, $3, $4, $5, $6);
        $reason = $7;
        if (!$reason) {
            $reason = !defined $OpenSSLVersion ? "Not built with OpenSSL"
                    : "OpenSSL version $op $v[0].$v[1].$v[2]" . ($v[3] // '');
        }
        my $want = _canon_openssl_version(@v);
        $skip = 1 if !defined $OpenSSLVersion
                     || $ver_cmp->($OpenSSLVersion, $op, $want);
    }

    if (defined(my $spec = $block->todo_nginx)) {
        $spec =~ m{^\s*([<>]=?)\s*(\d+)\.(\d+)\.(\d+)(?:\s*:\s*(.*))?\s*$}
            or bail_out("$name - Invalid --- todo_nginx spec: $spec");
        $todo_reason = $5;
        my ($op, $ver) = ($1, get_canon_version($2, $3, $4));
        $todo = 1 if (!defined $NginxVersion && $op =~ /^</)
                     || $ver_cmp->($NginxVersion, $op, $ver);
    }

    if (defined(my $spec = $block->todo)) {
        $spec =~ /^\s*(\d+)\s*:\s*(.*)/s
            or bail_out("$name - Invalid --- todo spec: $spec");
        ($todo, $count, $todo_reason) = (1, $1, $2);
    }

    return ($count, $skip, $reason // 'various reasons',
            $todo, $todo_reason // 'various reasons');
}

# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------

sub run_tests () {
    $NginxVersion = get_nginx_version();

    $ENV{TEST_NGINX_SERVER_PORT} = $ServerPort
        unless defined $ENV{TEST_NGINX_SERVER_PORT};

    my @blocks = Test::Base::blocks();
    @blocks = shuffle @blocks unless $NoShuffle;

    for my $block (@blocks) {
        $_->($block) for @BlockPreprocessors;

        # Test names are prefixed with the script name, as in the real module.
        $block->set_value(name => "$0 " . $block->name);
        run_test($block);
        $PrevBlock = $block;
    }

    cleanup();
}

# Stop the nginx left running by the previous block (if any).
sub _stop_previous_nginx ($) {
    my $name = shift;
    return unless -f $PidFile;

    my $pid = get_pid_from_pidfile($name);
    return unless defined $pid && $pid ne '';

    if (is_running($pid)) {
        kill_process($pid, 1, $name);
    } elsif (-f $PidFile) {
        unlink $PidFile
            or warn "WARNING: failed to remove pid file $PidFile\n";
    }
}

# Run the nginx start command once; returns ($status, $exec_failed,
# $coredump, $exit_code).
sub _run_nginx_cmd ($) {
    my $cmd = shift;
    warn "CMD: $cmd\n" if $Verbose;
    system $cmd;
    my $status = $?;
    return ($status, 1, 0, undef) if $status == -1;
    return ($status, 0, $status & 128, $status >> 8);
}

sub run_test ($) {
    my $block = shift;
    return if defined $block->SKIP;

    my $name       = $block->name;
    my $rand_ports = $CurrentRandPorts = {};
    my $config     = expand_env_in_text($block->config, $name, $rand_ports);
    my $dry_run    = 0;

    local $LogLevel = $LogLevel;
    $LogLevel = $block->log_level if $block->log_level;

    my $must_die = $block->must_die;

    # Decide whether nginx has to be (re)started for this block.  A block
    # without --- config keeps running against the previous nginx.
    my $should_restart = 0;
    my $should_reconfig = 0;
    if (!defined $config) {
        if (!$NoNginxManager && !defined $PrevConfig) {
            bail_out("$name - No '--- config' section specified and could not get previous one. Use TEST_NGINX_NO_NGINX_MANAGER ?");
        }
    } elsif ($NoNginxManager) {
        Test::More::diag("NO_NGINX_MANAGER activated: config for $name ignored");
    } else {
        $should_reconfig = !defined $PrevConfig || $config ne $PrevConfig;
        $should_restart  = $should_reconfig || $ForceRestartOnTest;
    }

    my ($tests_to_skip, $should_skip, $skip_reason, $should_todo, $todo_reason)
        = _skip_and_todo($block);

    if (!$NoNginxManager && !$should_skip && $should_restart) {
        $PrevConfig = $config if $should_reconfig;

        _stop_previous_nginx($name);

        setup_server_root();
        write_user_files($block, $rand_ports);
        write_config_file($block, $config, $rand_ports);

        if (!can_run($NginxBinary)) {
            bail_out("$name - Cannot find the nginx executable in the PATH environment");
        }

        my $err_log = $block->error_log_file || $ErrLogFile;
        my $cmd = "$NginxBinary";
        $cmd .= " -e $err_log"
            if !defined $NginxVersion || $NginxVersion >= 1.019005;
        $cmd .= " -p $ServRoot/ -c $ConfFile > /dev/null";
        $cmd .= " 2>/dev/null" if defined $block->suppress_stderr;

        $ErrLogFilePos = 0;

        if (defined $must_die) {
            # nginx is expected to refuse to start: one assertion on the exit
            # status plus the error_log checks, per repeat.
            for my $i (0 .. $RepeatEach - 1) {
                my ($status, $exec_failed, $coredump, $exit_code) =
                    _run_nginx_cmd($cmd);

                if ($exec_failed) {
                    Test::More::fail("$name - failed to execute the nginx command line");
                } elsif ($coredump) {
                    Test::More::fail("$name - nginx core dumped");
                } elsif (looks_like_number($must_die)) {
                    Test::More::is($must_die, $exit_code,
                                   "$name - die with the expected exit code");
                } else {
                    Test::More::isnt($status, 0, "$name - die as expected");
                }

                $CheckErrorLog->($block, undef, $dry_run, $i, 0);

                if ($status == 0) {
                    warn "WARNING: $name - nginx must die but it does not; killing it (req $i)";
                    for (1 .. 15) {
                        last if -f $PidFile;
                        sleep $TestNginxSleep;
                    }
                    kill_process(get_pid_from_pidfile($name), 1, $name);
                }
            }
            return;
        }

        # Normal start, retried for a while (e.g. the port may still be
        # held by a previous server that is shutting down).
        my ($tries, $waited) = (0, 0);
        while (1) {
            my ($status) = _run_nginx_cmd($cmd);
            last if $status == 0;

            if ($ENV{TEST_NGINX_IGNORE_MISSING_DIRECTIVES}
                and my $directive = check_if_missing_directives())
            {
                $dry_run = "the lack of directive $directive";
                last;
            }

            $tries++;
            my $delay = 0.1 * $tries;
            $delay = 1 if $delay > 1;
            sleep $delay;
            $waited += $delay;
            next if $waited < $StartRetrySeconds;

            bail_out("$name - Cannot start nginx using command \"$cmd\" (status code $status).");
        }

        sleep $TestNginxSleep;
    }

    # --- init: Perl code run once per block, after nginx has been started
    # and before the first request of the first repeat.  It is evaluated
    # here, in package Test::Nginx::Util, with $block and $name in scope.
    if ($block->init) {
        eval $block->init;
        bail_out("$name - init failed: $@") if $@;
    }

    $ErrLogFilePos = 0;
    for my $i (1 .. $RepeatEach) {
        warn "Run the test block ", $block->name, " ...\n" if $Verbose;

        write_user_files($block, $rand_ports) if $i > 1;

        if ($should_skip && defined $tests_to_skip) {
            SKIP: {
                Test::More::skip("$name - $skip_reason", $tests_to_skip);
                $RunTestHelper->($block, $dry_run, $i - 1);
            }
        } elsif ($should_todo) {
            TODO: {
                Test::More::todo_skip("$name - $todo_reason", $tests_to_skip);
                $RunTestHelper->($block, $dry_run, $i - 1);
            }
        } else {
            $RunTestHelper->($block, $dry_run, $i - 1);
        }
    }

    # Optionally collect every block's error.log into one file.
    if (my $total_errlog = $ENV{TEST_NGINX_ERROR_LOG}) {
        if (-s $ErrLogFile) {
            open my $out, '>>', $total_errlog
                or bail_out "Failed to append test case title to $total_errlog: $!\n";
            print $out "\n=== $0 $name\n";
            if (open my $in, '<', $ErrLogFile) {
                local $/;
                print $out scalar <$in>;
                close $in;
            }
            close $out;
        }
    }
}

END {
    return if $InSubprocess;

    cleanup();

    if (!$ENV{TEST_NGINX_NO_CLEAN}) {
        local $?;    # don't disturb Test::Builder's exit code
        if (defined $PidFile && -f $PidFile) {
            my $pid = get_pid_from_pidfile('END');
            if (defined $pid && $pid =~ /^\d+$/ && is_running($pid)) {
                kill_process($pid, 1, 'END');
            } else {
                unlink $PidFile;
            }
        }
    }

    if ($Randomize && defined $ServRoot && -d $ServRoot
        && $ServRoot =~ m{/t/servroot_\d+$})
    {
        remove_tree($ServRoot);
    }
}

our @EXPORT = qw(
    $NoLongString $ServerAddr $ServerName $ServerPort $ServerPortForClient
    $NginxVersion $NginxRawVersion $OpenSSLVersion
    $PidFile $ServRoot $ConfFile $ErrLogFile $AccLogFile $HtmlDir
    $RunTestHelper $CheckErrorLog $CheckShutdownErrorLog $FilterHttpConfig
    $NoNginxManager $RepeatEach $CheckLeak $Benchmark $UseStap
    $ErrLogFilePos $TestNginxSleep
    is_str is_running parse_time trim show_all_chars parse_headers
    get_canon_version get_nginx_version get_pid_from_pidfile
    expand_env_in_text error_log_data access_log_data
    setup_server_root write_config_file write_user_files
    sleep_time verbose stap_out_fh stap_out_fname
    bail_out cleanup kill_process gen_rand_port
    run_tests run_test
    add_block_preprocessor add_cleanup_handler
    env_to_nginx no_long_string check_accum_error_log
    timeout workers worker_connections master_on master_off
    master_process_enabled config_preamble repeat_each log_level
    no_shuffle no_root_location html_dir server_root server_addr
    server_name server_port server_port_for_client no_nginx_manager use_hup
);

1;
