
/*
 * ngx_http_api_module: RFC 9457 problem details bodies.
 *
 * Only the text: ngx_http_api_send_problem() (response.c) adds the
 * headers and sends it.
 */


#include "ngx_http_api_problem.h"


#define NGX_HTTP_API_PROBLEM_TYPE  "urn:ngx-http-api:problem:"


typedef struct {
    ngx_uint_t      status;
    const char     *title;
} ngx_http_api_title_t;


static const char *ngx_http_api_problem_title(ngx_uint_t status);


static ngx_http_api_title_t  ngx_http_api_titles[] = {
    { NGX_HTTP_BAD_REQUEST, "Bad Request" },
    { NGX_HTTP_UNAUTHORIZED, "Unauthorized" },
    { NGX_HTTP_FORBIDDEN, "Forbidden" },
    { NGX_HTTP_NOT_FOUND, "Not Found" },
    { NGX_HTTP_NOT_ALLOWED, "Method Not Allowed" },
    { NGX_HTTP_REQUEST_TIME_OUT, "Request Timeout" },
    { NGX_HTTP_CONFLICT, "Conflict" },
    { NGX_HTTP_LENGTH_REQUIRED, "Length Required" },
    { NGX_HTTP_PRECONDITION_FAILED, "Precondition Failed" },
    { NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, "Content Too Large" },
    { NGX_HTTP_REQUEST_URI_TOO_LARGE, "URI Too Long" },
    { NGX_HTTP_UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type" },
    { NGX_HTTP_RANGE_NOT_SATISFIABLE, "Range Not Satisfiable" },
    { 422, "Unprocessable Content" },
    { 429, "Too Many Requests" },
    { NGX_HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error" },
    { NGX_HTTP_NOT_IMPLEMENTED, "Not Implemented" },
    { NGX_HTTP_BAD_GATEWAY, "Bad Gateway" },
    { NGX_HTTP_SERVICE_UNAVAILABLE, "Service Unavailable" },
    { NGX_HTTP_GATEWAY_TIME_OUT, "Gateway Timeout" },
    { NGX_HTTP_VERSION_NOT_SUPPORTED, "HTTP Version Not Supported" },
    { NGX_HTTP_INSUFFICIENT_STORAGE, "Insufficient Storage" },
    { 0, NULL }
};


size_t
ngx_http_api_problem_size(ngx_uint_t status, const char *code,
    const char *detail, ngx_str_t *request_id)
{
    size_t  code_len, detail_len;

    code_len = ngx_strlen(code);
    detail_len = ngx_strlen(detail);

    return sizeof("{\"type\":\"" NGX_HTTP_API_PROBLEM_TYPE "\",\"title\":\"")
           - 1 + code_len + ngx_strlen(ngx_http_api_problem_title(status))
           + sizeof("\",\"status\":,\"detail\":\"") - 1 + NGX_INT_T_LEN
           + detail_len + ngx_escape_json(NULL, (u_char *) detail, detail_len)
           + sizeof("\",\"code\":\"\",\"request_id\":\"\"}") - 1 + code_len
           + request_id->len;
}


u_char *
ngx_http_api_problem_write(u_char *buf, ngx_uint_t status, const char *code,
    const char *detail, ngx_str_t *request_id)
{
    u_char  *p;

    p = ngx_sprintf(buf, "{\"type\":\"" NGX_HTTP_API_PROBLEM_TYPE "%s\","
                    "\"title\":\"%s\",\"status\":%ui,\"detail\":\"",
                    code, ngx_http_api_problem_title(status), status);
    p = (u_char *) ngx_escape_json(p, (u_char *) detail, ngx_strlen(detail));
    p = ngx_sprintf(p, "\",\"code\":\"%s\",\"request_id\":\"%V\"}",
                    code, request_id);

    return p;
}


static const char *
ngx_http_api_problem_title(ngx_uint_t status)
{
    ngx_uint_t  i;

    for (i = 0; ngx_http_api_titles[i].status; i++) {
        if (ngx_http_api_titles[i].status == status) {
            return ngx_http_api_titles[i].title;
        }
    }

    return "Error";
}
