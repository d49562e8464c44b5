
/*
 * ngx_http_api_module: the Prometheus text exposition of the counters.
 */


#ifndef _NGX_HTTP_API_PROMETHEUS_H_INCLUDED_
#define _NGX_HTTP_API_PROMETHEUS_H_INCLUDED_


#include "ngx_http_api.h"


/*
 * The content handler of api_metrics locations: the directive's post
 * (ngx_http_api_metrics(), metrics.c).
 */
ngx_int_t ngx_http_api_prometheus_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_API_PROMETHEUS_H_INCLUDED_ */
