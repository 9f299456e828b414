#!/usr/bin/env python3
"""deploy/kubernetes/: the manifests a cluster admin applies for the admission webhook.

Parses every file (python3-yaml) and checks what issue 5 requires of them: a Namespace, a
Deployment (signet-admission) with 2 replicas serving HTTPS with --admission-policy, a Service in
front of it, and
Validating- and MutatingWebhookConfigurations (failurePolicy Fail, sideEffects None,
admissionReviewVersions ["v1"], timeoutSeconds above the policy's deadline, a namespaceSelector
excluding kube-system and signet's namespace, rules for pods, pods/ephemeralcontainers and every
workload kind). The policy in the ConfigMap must parse with the documented members. The replicas
are one installation (DESIGN.md §7): they run --admission-replica on the data directory (one
PersistentVolumeClaim, not an emptyDir each) of a single owning signetd Deployment, on its node.
Usage: kubernetes_manifests_test.py DEPLOY_DIR
"""
import json
import pathlib
import sys

import yaml

WORKLOADS = {
    ("", "pods"), ("", "pods/ephemeralcontainers"), ("", "replicationcontrollers"),
    ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"),
    ("apps", "daemonsets"), ("batch", "jobs"), ("batch", "cronjobs"),
}
PATHS = {"ValidatingWebhookConfiguration": "/admission/validate",
         "MutatingWebhookConfiguration": "/admission/mutate"}


def load(directory):
    objects = {}
    for path in sorted(pathlib.Path(directory).glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is None:
                continue
            objects.setdefault(doc["kind"], []).append(doc)
    return objects


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def data_claim(deployment):
    """The claim mounted at signetd's --data-dir, or None (an emptyDir, say)."""
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    data_dir = next(a.split("=", 1)[1] for a in container["args"] if a.startswith("--data-dir="))
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == data_dir)
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    return volume.get("persistentVolumeClaim", {}).get("claimName"), data_dir


def check_one_installation(deployments, webhook):
    args = webhook["spec"]["template"]["spec"]["containers"][0]["args"]
    check("--admission-replica" in args, "the webhook replicas run --admission-replica")
    claim, data_dir = data_claim(webhook)
    check(claim is not None, "the webhook replicas share a PersistentVolumeClaim, not an emptyDir each")
    owners = [d for d in deployments.values() if d is not webhook and data_claim(d) == (claim, data_dir)]
    check(len(owners) == 1, "one owning signetd Deployment mounts the same claim at the same path")
    owner = owners[0]
    check(owner["spec"]["replicas"] == 1, "one owner of the data directory")
    check(owner["spec"].get("strategy", {}).get("type") == "Recreate",
          "the owner is replaced, never doubled (Recreate)")
    check("--admission-replica" not in owner["spec"]["template"]["spec"]["containers"][0]["args"],
          "the owner is not a replica")
    terms = (webhook["spec"]["template"]["spec"].get("affinity", {}).get("podAffinity", {})
             .get("requiredDuringSchedulingIgnoredDuringExecution", []))
    owner_labels = owner["spec"]["template"]["metadata"]["labels"].items()
    check(any(t["topologyKey"] == "kubernetes.io/hostname" and
              t["labelSelector"]["matchLabels"].items() <= owner_labels for t in terms),
          "the replicas are required on the owner's node (SQLite WAL shares one node's memory)")


def main():
    objects = load(sys.argv[1])
    namespace = objects["Namespace"][0]["metadata"]["name"]

    deployments = {d["metadata"]["name"]: d for d in objects["Deployment"]}
    deployment = deployments["signet-admission"]
    check(deployment["metadata"]["namespace"] == namespace, "Deployment outside signet's namespace")
    check(deployment["spec"]["replicas"] == 2, "the Deployment runs 2 replicas")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    for flag in ("--tls-cert=", "--tls-key=", "--admission-policy="):
        check(any(a.startswith(flag) for a in args), f"signetd is started with {flag}")
    port = container["ports"][0]
    check(container["readinessProbe"]["httpGet"]["scheme"] == "HTTPS", "the probe uses HTTPS")

    check_one_installation(deployments, deployment)

    service = {v["metadata"]["name"]: v for v in objects["Service"]}["signet-admission"]
    check(service["metadata"]["namespace"] == namespace, "Service outside signet's namespace")
    check(service["spec"]["selector"].items() <=
          deployment["spec"]["template"]["metadata"]["labels"].items(),
          "the Service selects the Deployment's pods")
    service_port = service["spec"]["ports"][0]
    check(service_port["targetPort"] in (port["name"], port["containerPort"]),
          "the Service targets signetd's port")

    policy_maps = [c for c in objects["ConfigMap"] if "policy.json" in c["data"]]
    check(len(policy_maps) == 1, "one ConfigMap holds policy.json")
    policy = json.loads(policy_maps[0]["data"]["policy.json"])
    check(set(policy) <= {"rules", "unmatchedImages", "exemptNamespaces", "failOpen",
                          "deadlineMillis", "cache", "registries"},
          "policy.json has only documented members")
    check(policy.get("failOpen", False) is False, "the example policy fails closed")
    json.loads(policy_maps[0]["data"]["trustpolicy.oci.json"])
    deadline_ms = policy.get("deadlineMillis", 8000)

    for kind, path in PATHS.items():
        configurations = objects.get(kind, [])
        check(len(configurations) == 1, f"one {kind}")
        webhooks = configurations[0]["webhooks"]
        check(len(webhooks) >= 1, f"{kind} has a webhook")
        for hook in webhooks:
            where = f"{kind} {hook['name']}"
            check(hook["failurePolicy"] == "Fail", f"{where}: failurePolicy Fail")
            check(hook["sideEffects"] == "None", f"{where}: sideEffects None")
            check(hook["admissionReviewVersions"] == ["v1"], f"{where}: admissionReviewVersions")
            check(1 <= hook["timeoutSeconds"] <= 30, f"{where}: timeoutSeconds within 1..30")
            check(deadline_ms < hook["timeoutSeconds"] * 1000,
                  f"{where}: the policy deadline is below timeoutSeconds")
            svc = hook["clientConfig"]["service"]
            check(svc["name"] == service["metadata"]["name"] and svc["namespace"] == namespace,
                  f"{where}: calls the signet Service")
            check(svc["path"] == path, f"{where}: path {path}")
            check(svc.get("port", 443) == service_port["port"], f"{where}: the Service's port")
            check("caBundle" in hook["clientConfig"], f"{where}: has a caBundle")
            expressions = hook["namespaceSelector"]["matchExpressions"]
            excluded = set()
            for e in expressions:
                if e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "NotIn":
                    excluded |= set(e["values"])
            check({"kube-system", namespace} <= excluded,
                  f"{where}: namespaceSelector excludes kube-system and {namespace}")
            covered = set()
            for rule in hook["rules"]:
                check({"CREATE", "UPDATE"} <= set(rule["operations"]),
                      f"{where}: rules cover CREATE and UPDATE")
                for group in rule["apiGroups"]:
                    for resource in rule["resources"]:
                        covered.add((group, resource))
            missing = WORKLOADS - covered
            check(not missing, f"{where}: rules miss {sorted(missing)}")
    print("deploy/kubernetes: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, KeyError, IndexError, StopIteration) as e:
        print(f"FAIL: {e!r}", file=sys.stderr)
        sys.exit(1)
