# The module shares no symbol with any other module: nginx loads modules
# RTLD_GLOBAL, so whatever a module exports can bind another module's
# calls, and whatever it imports can be bound by another's exports.
# Exported: only what nginx looks up.  Imported: nginx, libc, libcrypto;
# hiredis and jansson are inside.  No Debian module defines what it imports.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

our $So = (split ' ', $ENV{TEST_NGINX_LOAD_MODULES})[0];

sub nm {
    my @args = @_;
    open my $fh, '-|', 'nm', '-D', @args or die "nm: $!";
    my @sym = map { (split ' ')[-1] } <$fh>;
    close $fh or die "nm -D @args failed\n";
    s/@.*// for @sym;
    return @sym;
}

repeat_each(1);

plan tests => repeat_each() * 8;

run_tests();

__DATA__

=== TEST 1: exports, imports, libraries
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- api_check
my @def = nm('--defined-only', $::So);
is(join(' ', sort @def),
   'ngx_http_api_module ngx_module_names ngx_module_order ngx_modules',
   'nm -D --defined-only: the module and what nginx looks up, nothing else');
my @undef = nm('--undefined-only', $::So);
is(join(' ', grep { /^(redis|sds|hi_|__redis|freeReplyObject)/ } @undef),
   '', 'no hiredis function is imported: it is linked in');
is(join(' ', grep { /^json_/ } @undef),
   '', 'no jansson function is imported: it is linked in');
my $needed = `readelf -d $::So`;
unlike($needed, qr/NEEDED.*libhiredis/, 'no libhiredis.so dependency');
unlike($needed, qr/NEEDED.*libjansson/, 'no libjansson.so dependency');
my %imp = map { $_ => 1 } grep { !/^_/ } @undef;
my @clash;
for my $m (glob '/usr/lib/nginx/modules/*.so') {
    next if $m =~ /ngx_http_api_module/;
    push @clash, map { "$_ (" . (split m{/}, $m)[-1] . ')' }
                 grep { $imp{$_} } nm('--defined-only', $m);
}
is(join(', ', @clash), '',
   'no Debian module defines a symbol the module imports');
--- response_body
ok
