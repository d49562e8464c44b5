
/*
 * ngx_http_api_module: what linking jansson into the module needs.
 *
 * jansson is linked in from Debian's libjansson.a, like hiredis, so that
 * no sibling module can bind our json_* calls (nginx loads modules
 * RTLD_GLOBAL) and the module needs no libjansson.so.  The archive is
 * position-independent but for one reference: json_loadf() compares its
 * FILE * with libc's "stdin" only to name the source in its error
 * messages ("<stdin>" or "<stream>"), through a PC-relative relocation
 * that a shared object cannot resolve against libc.  This hidden
 * definition satisfies it inside the module.  The module never calls
 * json_loadf(), and nothing of ours uses stdin (a worker has none).
 *
 * It deliberately does not include <stdio.h>, which declares the real one.
 */


void *stdin __attribute__((visibility("hidden"))) = 0;
