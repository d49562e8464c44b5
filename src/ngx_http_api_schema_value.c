
/*
 * ngx_http_api_module: what the schema validator asks of one value on its
 * own: its type, numeric order, equality, and the formats it asserts
 * (date-time, date, time, email, ipv4, ipv6, uri, uuid).
 */


#include <math.h>

#include "ngx_http_api_schema_int.h"


/* 2^53: every double this large is an integer */
#define NGX_HTTP_API_SCHEMA_EXACT  9007199254740992.0


static ngx_uint_t ngx_http_api_schema_integral(double d, double eps);
static ngx_uint_t ngx_http_api_schema_digits(u_char **pp, u_char *last,
    ngx_uint_t n, ngx_uint_t max, ngx_uint_t *value);
static ngx_uint_t ngx_http_api_schema_date(u_char **pp, u_char *last);
static ngx_uint_t ngx_http_api_schema_time(u_char **pp, u_char *last);
static ngx_uint_t ngx_http_api_schema_email(u_char *p, u_char *last);
static ngx_uint_t ngx_http_api_schema_ipv4(u_char *p, u_char *last);
static ngx_uint_t ngx_http_api_schema_ipv6(u_char *p, u_char *last);
static ngx_uint_t ngx_http_api_schema_uri(u_char *p, u_char *last);
static ngx_uint_t ngx_http_api_schema_uuid(u_char *p, u_char *last);


static ngx_str_t  ngx_http_api_schema_formats[] = {
    ngx_null_string,
    ngx_string("date-time"),
    ngx_string("date"),
    ngx_string("time"),
    ngx_string("email"),
    ngx_string("ipv4"),
    ngx_string("ipv6"),
    ngx_string("uri"),
    ngx_string("uuid")
};


/* draft-07: an integer is any number with no fractional part */

ngx_uint_t
ngx_http_api_schema_is_type(ngx_uint_t types, json_t *inst)
{
    double  d;

    switch (json_typeof(inst)) {

    case JSON_OBJECT:
        return types & NGX_HTTP_API_SCHEMA_OBJECT;

    case JSON_ARRAY:
        return types & NGX_HTTP_API_SCHEMA_ARRAY;

    case JSON_STRING:
        return types & NGX_HTTP_API_SCHEMA_STRING;

    case JSON_INTEGER:
        return types & (NGX_HTTP_API_SCHEMA_NUMBER
                        |NGX_HTTP_API_SCHEMA_INTEGER);

    case JSON_REAL:
        if (types & NGX_HTTP_API_SCHEMA_NUMBER) {
            return 1;
        }

        d = json_real_value(inst);

        return (types & NGX_HTTP_API_SCHEMA_INTEGER)
               && ngx_http_api_schema_integral(d, 0);

    case JSON_TRUE:
    case JSON_FALSE:
        return types & NGX_HTTP_API_SCHEMA_BOOLEAN;

    default:
        return types & NGX_HTTP_API_SCHEMA_NULL;
    }
}


/*
 * d has no fractional part, within a relative eps (multipleOf's quotient
 * of decimal fractions is rarely exact); no libm: nginx does not link it.
 */

static ngx_uint_t
ngx_http_api_schema_integral(double d, double eps)
{
    double  a, r;

    if (!isfinite(d)) {
        return 0;
    }

    a = (d < 0) ? -d : d;

    if (a >= NGX_HTTP_API_SCHEMA_EXACT) {
        return 1;
    }

    r = a - (double) (int64_t) (a + 0.5);
    r = (r < 0) ? -r : r;

    return r <= eps * (a > 1 ? a : 1);
}


/* multipleOf: integers exactly, otherwise within a relative 1e-9 */

ngx_uint_t
ngx_http_api_schema_multiple(json_t *inst, json_t *m)
{
    if (json_is_integer(inst) && json_is_integer(m)) {
        /* multipleOf > 0, so no INT64_MIN % -1 */
        return json_integer_value(inst) % json_integer_value(m) == 0;
    }

    return ngx_http_api_schema_integral(json_number_value(inst)
                                        / json_number_value(m), 1e-9);
}


/* numbers: integers exactly, otherwise as doubles */

int
ngx_http_api_schema_cmp(json_t *a, json_t *b)
{
    double     x, y;
    json_int_t i, k;

    if (json_is_integer(a) && json_is_integer(b)) {
        i = json_integer_value(a);
        k = json_integer_value(b);

        return (i > k) - (i < k);
    }

    x = json_number_value(a);
    y = json_number_value(b);

    return (x > y) - (x < y);
}


/* JSON equality, 1 and 1.0 alike (enum, const, uniqueItems) */

ngx_uint_t
ngx_http_api_schema_equal(json_t *a, json_t *b)
{
    json_t      *value, *other;
    size_t       i, len;
    const char  *key;

    if (json_is_number(a) && json_is_number(b)) {
        return ngx_http_api_schema_cmp(a, b) == 0;
    }

    if (json_typeof(a) != json_typeof(b)) {
        return 0;
    }

    switch (json_typeof(a)) {

    case JSON_STRING:
        return json_string_length(a) == json_string_length(b)
               && ngx_memcmp(json_string_value(a), json_string_value(b),
                             json_string_length(a))
                  == 0;

    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b)) {
            return 0;
        }

        for (i = 0; i < json_array_size(a); i++) {
            if (!ngx_http_api_schema_equal(json_array_get(a, i),
                                           json_array_get(b, i)))
            {
                return 0;
            }
        }

        return 1;

    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b)) {
            return 0;
        }

        json_object_keylen_foreach(a, key, len, value) {
            other = json_object_getn(b, key, len);

            if (other == NULL || !ngx_http_api_schema_equal(value, other)) {
                return 0;
            }
        }

        return 1;

    default:
        /* true, false, null: one of each */
        return 1;
    }
}


ngx_uint_t
ngx_http_api_schema_format_find(const char *name, size_t len)
{
    ngx_uint_t  i;

    for (i = 1; i < sizeof(ngx_http_api_schema_formats) / sizeof(ngx_str_t);
         i++)
    {
        if (ngx_http_api_schema_formats[i].len == len
            && ngx_memcmp(ngx_http_api_schema_formats[i].data, name, len)
               == 0)
        {
            return i;
        }
    }

    /* an annotation only */
    return NGX_HTTP_API_SCHEMA_FMT_NONE;
}


ngx_str_t *
ngx_http_api_schema_format_name(ngx_uint_t format)
{
    return &ngx_http_api_schema_formats[format];
}


ngx_uint_t
ngx_http_api_schema_format_check(ngx_uint_t format, u_char *p, size_t len)
{
    u_char  *last;

    last = p + len;

    switch (format) {

    case NGX_HTTP_API_SCHEMA_FMT_DATE_TIME:
        if (!ngx_http_api_schema_date(&p, last) || p == last
            || (*p != 'T' && *p != 't'))
        {
            return 0;
        }

        p++;

        return ngx_http_api_schema_time(&p, last) && p == last;

    case NGX_HTTP_API_SCHEMA_FMT_DATE:
        return ngx_http_api_schema_date(&p, last) && p == last;

    case NGX_HTTP_API_SCHEMA_FMT_TIME:
        return ngx_http_api_schema_time(&p, last) && p == last;

    case NGX_HTTP_API_SCHEMA_FMT_EMAIL:
        return ngx_http_api_schema_email(p, last);

    case NGX_HTTP_API_SCHEMA_FMT_IPV4:
        return ngx_http_api_schema_ipv4(p, last);

    case NGX_HTTP_API_SCHEMA_FMT_IPV6:
        return ngx_http_api_schema_ipv6(p, last);

    case NGX_HTTP_API_SCHEMA_FMT_URI:
        return ngx_http_api_schema_uri(p, last);

    case NGX_HTTP_API_SCHEMA_FMT_UUID:
        return ngx_http_api_schema_uuid(p, last);

    default:
        return 1;
    }
}


/* exactly n decimal digits, at most max */

static ngx_uint_t
ngx_http_api_schema_digits(u_char **pp, u_char *last, ngx_uint_t n,
    ngx_uint_t max, ngx_uint_t *value)
{
    u_char      *p;
    ngx_uint_t   v;

    p = *pp;

    if ((ngx_uint_t) (last - p) < n) {
        return 0;
    }

    for (v = 0; n; n--, p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }

        v = v * 10 + (*p - '0');
    }

    *pp = p;
    *value = v;

    return v <= max;
}


/* RFC 3339 full-date: YYYY-MM-DD, a day the month has */

static ngx_uint_t
ngx_http_api_schema_date(u_char **pp, u_char *last)
{
    ngx_uint_t  year, month, day, days;

    static const u_char  mdays[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (!ngx_http_api_schema_digits(pp, last, 4, 9999, &year)
        || *pp == last || *(*pp)++ != '-'
        || !ngx_http_api_schema_digits(pp, last, 2, 12, &month)
        || *pp == last || *(*pp)++ != '-'
        || !ngx_http_api_schema_digits(pp, last, 2, 31, &day)
        || month == 0 || day == 0)
    {
        return 0;
    }

    days = mdays[month - 1];

    if (month == 2
        && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
    {
        days = 29;
    }

    return day <= days;
}


/* RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM), second 60 kept */

static ngx_uint_t
ngx_http_api_schema_time(u_char **pp, u_char *last)
{
    u_char      *p;
    ngx_uint_t   v;

    if (!ngx_http_api_schema_digits(pp, last, 2, 23, &v)
        || *pp == last || *(*pp)++ != ':'
        || !ngx_http_api_schema_digits(pp, last, 2, 59, &v)
        || *pp == last || *(*pp)++ != ':'
        || !ngx_http_api_schema_digits(pp, last, 2, 60, &v))
    {
        return 0;
    }

    p = *pp;

    if (p < last && *p == '.') {
        p++;

        if (p == last || *p < '0' || *p > '9') {
            return 0;
        }

        while (p < last && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (p == last) {
        return 0;
    }

    if (*p == 'Z' || *p == 'z') {
        *pp = p + 1;
        return 1;
    }

    if (*p != '+' && *p != '-') {
        return 0;
    }

    p++;

    if (!ngx_http_api_schema_digits(&p, last, 2, 23, &v)
        || p == last || *p++ != ':'
        || !ngx_http_api_schema_digits(&p, last, 2, 59, &v))
    {
        return 0;
    }

    *pp = p;

    return 1;
}


/*
 * local@domain, each side non-empty, one "@", no spaces or controls:
 * the shape of an address, not RFC 5321's every rule.
 */

static ngx_uint_t
ngx_http_api_schema_email(u_char *p, u_char *last)
{
    u_char  *at, *start;

    at = NULL;

    for (start = p; p < last; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            return 0;
        }

        if (*p == '@') {
            if (at != NULL) {
                return 0;
            }

            at = p;
        }
    }

    return at != NULL && at > start && at < last - 1;
}


/* dotted decimal, four parts of 0 to 255 without leading zeros */

static ngx_uint_t
ngx_http_api_schema_ipv4(u_char *p, u_char *last)
{
    u_char      *start;
    ngx_uint_t   parts, v;

    for (parts = 0; parts < 4; parts++) {
        if (parts > 0) {
            if (p == last || *p++ != '.') {
                return 0;
            }
        }

        start = p;
        v = 0;

        while (p < last && *p >= '0' && *p <= '9' && p - start < 3) {
            v = v * 10 + (*p++ - '0');
        }

        if (p == start || v > 255 || (*start == '0' && p - start > 1)) {
            return 0;
        }
    }

    return p == last;
}


/* RFC 4291 2.2: eight groups, "::" once, an IPv4 tail */

static ngx_uint_t
ngx_http_api_schema_ipv6(u_char *p, u_char *last)
{
    u_char      *start;
    ngx_uint_t   groups, gap, n;

    groups = 0;
    gap = 0;

    if (last - p >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 1;
        p += 2;
    }

    while (p < last) {
        start = p;

        for (n = 0; p < last && n < 5 && isxdigit(*p); n++) {
            p++;
        }

        if (p < last && *p == '.' && groups <= 6) {
            /* the last 32 bits as IPv4 */
            if (!ngx_http_api_schema_ipv4(start, last)) {
                return 0;
            }

            groups += 2;
            p = last;
            break;
        }

        if (n == 0 || n > 4) {
            return 0;
        }

        groups++;

        if (p == last) {
            break;
        }

        if (*p++ != ':') {
            return 0;
        }

        if (p < last && *p == ':') {
            if (gap) {
                return 0;
            }

            gap = 1;
            p++;

        } else if (p == last) {
            /* a trailing single ":" */
            return 0;
        }
    }

    return gap ? groups < 8 : groups == 8;
}


/*
 * RFC 3986 URI (absolute: a scheme is required), by its characters:
 * unreserved, sub-delims, ":" "@" "/" "?" "#" "[" "]" and %XX.
 */

static ngx_uint_t
ngx_http_api_schema_uri(u_char *p, u_char *last)
{
    u_char      *start;
    ngx_uint_t   hash;

    start = p;

    while (p < last && (isalnum(*p) || ((*p == '+' || *p == '-'
                                         || *p == '.') && p > start)))
    {
        p++;
    }

    if (p == start || p == last || *p != ':' || !isalpha(*start)) {
        return 0;
    }

    hash = 0;

    for (p++; p < last; p++) {
        if (isalnum(*p)
            || (*p != '\0' && ngx_strchr("-._~!$&'()*+,;=:@/?[]", *p)))
        {
            continue;
        }

        if (*p == '#' && !hash) {
            hash = 1;
            continue;
        }

        if (*p == '%' && last - p > 2 && isxdigit(p[1]) && isxdigit(p[2])) {
            p += 2;
            continue;
        }

        return 0;
    }

    return 1;
}


/* RFC 4122: 8-4-4-4-12 hexadecimal digits */

static ngx_uint_t
ngx_http_api_schema_uuid(u_char *p, u_char *last)
{
    ngx_uint_t  i;

    if (last - p != 36) {
        return 0;
    }

    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i] != '-') {
                return 0;
            }

        } else if (!isxdigit(p[i])) {
            return 0;
        }
    }

    return 1;
}
