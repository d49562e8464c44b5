
/*
 * ngx_http_api_module: RFC 9457 problem details bodies.
 */


#ifndef _NGX_HTTP_API_PROBLEM_H_INCLUDED_
#define _NGX_HTTP_API_PROBLEM_H_INCLUDED_


#include "ngx_http_api.h"


/*
 * {"type":…,"title":…,"status":N,"detail":…,"code":…,"request_id":…}
 *
 * code is a fixed identifier ([a-z_]+) and request_id nginx's
 * $request_id (hex), both written as they are; detail (a C string) is
 * escaped.  ngx_http_api_problem_size() is an upper bound of what
 * ngx_http_api_problem_write() writes to buf; it returns the end.
 */
size_t ngx_http_api_problem_size(ngx_uint_t status, const char *code,
    const char *detail, ngx_str_t *request_id);
u_char *ngx_http_api_problem_write(u_char *buf, ngx_uint_t status,
    const char *code, const char *detail, ngx_str_t *request_id);


#endif /* _NGX_HTTP_API_PROBLEM_H_INCLUDED_ */
