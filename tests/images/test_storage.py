"""Where images are kept: local disk by default; an S3-compatible bucket when
configured, tried against moto's S3 server on loopback. The Content-Security-
Policy lets images come from that bucket's one origin, and nothing wider."""

import json
import urllib.request

import boto3
import pytest
from django.utils.functional import empty
from sorl.thumbnail import default as sorl_default

from core.markup import render_markdown
from images.models import Image
from msinfo.media import media_storage
from tests.admin_roles import admin_url
from tests.images.files import image_bytes, upload
from tests.site.test_settings import production_env, run_python

BUCKET = "msinfo-media-test"
PUBLIC_IMAGES_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/images/*"}
    ],
}


@pytest.fixture
def s3_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket_storage(s3_server, settings, monkeypatch):
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    # As docs/images.md asks of a real bucket: anyone may read images/, nothing else.
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_IMAGES_POLICY))
    storage, origin = media_storage(bucket=BUCKET, endpoint_url=s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    # sorl-thumbnail keeps the storage it first met; make it meet the bucket.
    monkeypatch.setattr(sorl_default.storage, "_wrapped", empty)
    yield s3_server
    monkeypatch.setattr(sorl_default.storage, "_wrapped", empty)


def bucket_keys(endpoint):
    listed = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listed.get("Contents", [])}


@pytest.mark.django_db
def test_an_upload_goes_to_the_bucket_with_its_renditions_and_pages_point_at_them(
    bucket_storage, editor_web, media_folder
):
    response = editor_web.post(
        admin_url(Image, "add"),
        {"title": "Injection sites", "alt_text": "Diagram of the injection sites", "upload": upload(image_bytes(900, 600))},
    )
    assert response.status_code == 302

    image = Image.objects.get()
    keys = bucket_keys(bucket_storage)
    assert image.file.name in keys
    assert {name for r in image.renditions for name in (r["webp"], r["fallback"])} <= keys
    assert [r["width"] for r in image.renditions] == [480, 800, 900]
    assert not media_folder.exists() or not any(media_folder.rglob("*.*")), "nothing on local disk"

    html = str(render_markdown(f"![](image:{image.pk})"))
    for rendition in image.renditions:
        assert f"{bucket_storage}/{BUCKET}/{rendition['webp']} {rendition['width']}w" in html
    with urllib.request.urlopen(f"{bucket_storage}/{BUCKET}/{image.renditions[0]['webp']}", timeout=10) as answer:
        assert answer.read(12)[8:12] == b"WEBP"


def test_local_disk_is_the_default_and_adds_no_image_origin():
    storage, origin = media_storage(bucket="")
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert origin == ""


def test_a_bucket_needs_the_address_images_are_fetched_from():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_CUSTOM_DOMAIN"):
        media_storage(bucket="b")


CSP_DUMP = "import json, msinfo.settings as s; print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, ["'self'", "data:"]),
        ({"MEDIA_S3_BUCKET": "b", "MEDIA_S3_ENDPOINT_URL": "https://s3.eu.example.net/"}, ["'self'", "data:", "https://s3.eu.example.net"]),
        (
            {"MEDIA_S3_BUCKET": "b", "MEDIA_S3_ENDPOINT_URL": "https://s3.eu.example.net", "MEDIA_S3_CUSTOM_DOMAIN": "media.example.org/site"},
            ["'self'", "data:", "https://media.example.org"],
        ),
    ],
    ids=["local-disk", "endpoint", "custom-domain"],
)
def test_the_csp_adds_exactly_the_buckets_origin(env, expected):
    result = run_python(["-c", CSP_DUMP], production_env(**env))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
