import pytest

from jobboard.celery import app, ping


@pytest.mark.worker
def test_real_worker_runs_a_task_from_the_real_broker(celery_worker):
    result = ping.delay("hello from the test")
    assert result.get(timeout=30) == "hello from the test"
    assert result.successful()


def test_celery_is_configured_for_reliable_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] >= conf.task_time_limit
