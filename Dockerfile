# ngx_http_api_module on Debian 12's stock nginx.
#
#   docker build -t ngx-http-api .
#   docker run -p 8080:8080 -e API_REDIS_SERVER=redis:6379 ngx-http-api
#
# The build stage runs the same steps as a fresh Debian machine
# (tools/deps, make deb); CI proves those steps with `make test` and
# `make test-deb`.  The runtime stage installs that package, which pulls
# in the nginx of the ABI it was built for and the libraries it needs.

FROM debian:bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN tools/deps build && make deb

FROM debian:bookworm-slim
COPY --from=build /src/build/libnginx-mod-http-api_*.deb /tmp/
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
         nginx-core /tmp/libnginx-mod-http-api_*.deb \
    && rm -rf /var/lib/apt/lists/* /tmp/*.deb
COPY conf/nginx.conf /etc/nginx/templates/nginx.conf.template
COPY tools/render-conf /usr/local/bin/render-conf
COPY docker/entrypoint.sh /docker-entrypoint.sh

# Every ${API_*} placeholder of conf/nginx.conf comes from here or -e.
ENV API_MODULE=/usr/lib/nginx/modules/ngx_http_api_module.so \
    API_LISTEN=8080 \
    API_REDIS_SERVER=redis:6379 \
    API_RUN_DIR=/run/nginx-api

EXPOSE 8080
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-c", "/etc/nginx/nginx.conf"]
