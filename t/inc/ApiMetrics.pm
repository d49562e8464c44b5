package ApiMetrics;

# Helpers for the api_metrics / api_status suites (t/03x): scrape and
# parse the Prometheus text, fetch api_status as JSON, run promtool.
#
#   my $m = scrape('/metrics');      # { 'name{labels}' => value, ... }
#   sample($m, 'nginx_api_requests_total',
#     location => '/v1/', method => 'GET', status_class => '2xx');
#   my $s = status_json('/status');  # decoded JSON (JSON::PP)

use strict;
use warnings;

use Exporter 'import';
use JSON::PP ();
use File::Temp ();

use ApiTest qw(http_get);

our @EXPORT = qw(scrape sample delta status_json promtool promtool_check);

our $LastText;

# name{labels} => value of every sample of a GET of $path
sub scrape {
    my $path = shift || '/metrics';
    my ($status, $h, $body) = http_get($path);
    die "GET $path answered " . ($status // 'nothing') . "\n"
        if !defined $status || $status ne '200';
    $LastText = $body;
    my %m;
    for my $line (split /\n/, $body) {
        next if $line =~ /^#/ || $line eq '';
        $line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/
            or die "not a sample line: $line\n";
        $m{$1 . ($2 // '')} = $3;
    }
    return \%m;
}

# The value of one sample; labels in the order the module writes them.
# Absent counters (never incremented) are 0.
sub sample {
    my ($m, $name, @labels) = @_;
    my @l;
    while (@labels) {
        my ($k, $v) = splice @labels, 0, 2;
        push @l, "$k=\"$v\"";
    }
    my $key = $name . (@l ? '{' . join(',', @l) . '}' : '');
    return $m->{$key} // 0;
}

# after - before of one sample
sub delta {
    my ($before, $after, @key) = @_;
    return sample($after, @key) - sample($before, @key);
}

sub status_json {
    my $path = shift || '/status';
    my ($status, $h, $body) = http_get($path);
    die "GET $path answered " . ($status // 'nothing') . "\n"
        if !defined $status || $status ne '200';
    return JSON::PP->new->decode($body);
}

# the promtool binary, or undef (the tests skip then)
sub promtool {
    for my $dir (split /:/, $ENV{PATH}) {
        return "$dir/promtool" if -x "$dir/promtool";
    }
    return undef;
}

# runs `promtool check metrics` on the text; returns (exit status, output)
sub promtool_check {
    my $text = shift;
    my $in = File::Temp->new;
    print $in $text;
    close $in;
    my $out = `promtool check metrics < $in 2>&1`;
    return ($? >> 8, $out);
}

1;
