# gunicorn settings for Parlons IA: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`
# (make serve, deploy/parlons-ia.service.example). Command-line options override these.
#
# The logs keep no address, no user agent, no referrer and no query string: the privacy page
# promises that the site keeps no IP address, and a query string can hold what a person typed
# (/chat?q=…). The app's own error lines name the route and where the error happened, never
# the values (app/errors.py); SQL parameters are hidden (hide_parameters).

bind = "127.0.0.1:8000"
# Two sync workers per core is the measured setting (docs/CAPACITY.md).
workers = 2
# The master loads the app (and, with CHATBOT_PRELOAD=1, the chatbot) once; workers share it.
preload_app = True
timeout = 60
graceful_timeout = 30
max_requests = 5000
max_requests_jitter = 500

accesslog = "-"
# Time, method, path without its query string, protocol, status, bytes, milliseconds.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "warning"
