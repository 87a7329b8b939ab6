FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
RUN DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 app && chown -R app /app \
 && mkdir -p /data/private && chown -R app /data && chmod 700 /data/private
# DATA_DIR in docker-compose.yml; /data/private is where its private-files volume mounts,
# and a new volume takes this directory's owner (app) and mode.
USER app

EXPOSE 8000
CMD ["gunicorn", "jobboard.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
