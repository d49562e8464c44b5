
/*
 * ngx_http_api_module: document ids and revision tokens.
 */


#ifndef _NGX_HTTP_API_ID_H_INCLUDED_
#define _NGX_HTTP_API_ID_H_INCLUDED_


#include "ngx_http_api.h"


#define NGX_HTTP_API_ID_LEN      26     /* generated ids and revisions */
#define NGX_HTTP_API_ID_MAX      128    /* client-chosen ids */




ngx_int_t ngx_http_api_ids_init(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);

/*
 * Writes a 26-character, time-ordered, URL-safe identifier (48-bit
 * millisecond time + 80 random bits, Crockford base32, like a ULID).
 */
void ngx_http_api_id_generate(ngx_http_api_main_conf_t *amcf, u_char *dst);

/* [A-Za-z0-9._~-]{1,128}, and not "." or ".." */
ngx_int_t ngx_http_api_id_valid(u_char *p, size_t len);


#endif /* _NGX_HTTP_API_ID_H_INCLUDED_ */
