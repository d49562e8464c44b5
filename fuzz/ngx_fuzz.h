
/*
 * ngx_http_api_module fuzz targets: what every target shares
 * (ngx_stubs.c).
 */


#ifndef _NGX_FUZZ_H_INCLUDED_
#define _NGX_FUZZ_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>

#include "ngx_http_api.h"


/*
 * A failed invariant is a crash: libFuzzer saves the input as
 * build/fuzz/artifacts/<target>/crash-* and the run fails.
 */
#define ngx_fuzz_check(expr)                                                  \
    do {                                                                      \
        if (!(expr)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,        \
                    __LINE__, #expr);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)


/*
 * A pool whose every allocation is its own malloc() of the exact size
 * (max = 0 sends them all down ngx_palloc_large()), so AddressSanitizer
 * sees one byte past any buffer the module sizes.  ngx_destroy_pool()
 * after each input; LeakSanitizer then finds what escaped the pool.
 */
ngx_pool_t *ngx_fuzz_pool(void);

extern ngx_log_t  ngx_fuzz_log;


#endif /* _NGX_FUZZ_H_INCLUDED_ */
