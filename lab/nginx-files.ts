// What each nginx pod runs: the official Docker image's nginx.conf and default.conf (the `main` log
// format, access log, `location /` with index.html), with paths moved into the pod's directory in
// the lab's state directory, and the default page of nginx 1.19 (the image the scenario's write-up
// used): 612 bytes, the Content-Length clients see. Debian's nginx binary serves it; its own
// default page (index.nginx-debian.html) is not used.

export const NGINX_1_19_INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** The official image's `main` log format (docker-nginx nginx.conf). */
export const NGINX_MAIN_LOG_FORMAT = `'$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"'`;

/**
 * The image's nginx.conf with `servers` standing for /etc/nginx/conf.d/*.conf: the official
 * default.conf, or the files of a ConfigMap mounted there (their image paths mapped into `dir`).
 */
export function nginxConf(dir: string, mimeTypes = '/etc/nginx/mime.types', confD?: readonly { readonly name: string; readonly text: string }[]): string {
  const servers = confD
    ? [...confD].filter((f) => f.name.endsWith('.conf')).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)).map((f) => `    # ${f.name} (ConfigMap)\n${f.text.replaceAll('/usr/share/nginx/html', `${dir}/html`).split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}`).join('\n')
    : defaultServer(dir);
  return `# The official nginx image's nginx.conf and conf.d/default.conf, with paths under ${dir}.
# No "user" directive: started as root, nginx runs its worker as nobody.
daemon off;
worker_processes  1;

error_log  ${dir}/error.log notice;
pid        ${dir}/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       ${mimeTypes};
    default_type  application/octet-stream;

    log_format  main  ${NGINX_MAIN_LOG_FORMAT};

    access_log  ${dir}/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;

${servers}
}
`;
}

/** One `main` access log line: the client address nginx saw, the request line and the status. */
export interface NginxAccess {
  readonly remoteAddr: string;
  readonly request: string;
  readonly status: number;
  readonly bytes: number;
}

export function parseMainLogLine(line: string): NginxAccess | undefined {
  const m = /^(\S+) - \S+ \[[^\]]+\] "([^"]*)" (\d{3}) (\d+) /.exec(line);
  if (!m) return undefined;
  return { remoteAddr: m[1] as string, request: m[2] as string, status: Number(m[3]), bytes: Number(m[4]) };
}

/** The official image's conf.d/default.conf server, with its paths under `dir`. */
function defaultServer(dir: string): string {
  return `    server {
        listen       80;
        listen  [::]:80;
        server_name  localhost;

        location / {
            root   ${dir}/html;
            index  index.html index.htm;
        }

        error_page   500 502 503 504  /50x.html;
        location = /50x.html {
            root   ${dir}/html;
        }
    }
`;
}
