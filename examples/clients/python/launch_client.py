#!/usr/bin/env python3
"""Applies a campaign to fanfared, starts a run of it and follows the run to its end.

A Fanfare client in plain Python, over the public gRPC API (proto/fanfare/v1/): the calls
the `fanfare` CLI makes for `fanfare run FILE --watch`, one after the other.

  1. ApplyCampaign  stores the campaign (a new version only if the spec changed);
  2. StartRun       starts a run under a run id chosen here, so that retrying the call, or
                    running this script again with the same --run-id, never starts a second run;
  3. WatchRun       streams the run's history, one line per event, until the run ends; with
                    --approve-as, approval steps are approved (ApproveStep) as they come up;
  4. GetRun         the final state of every step.

Exit codes are the CLI's: 0 the run succeeded, 1 it failed or was cancelled (or the
coordinator refused the campaign or params), 2 usage, 3 fanfared unreachable, 4 not found,
5 refused.

The stubs are generated from proto/, never committed; see README.md. The built-in campaign
uses content.generate and x.publish, so it wants a coordinator that runs workers for them:
`fanfared --dev --rehearse` does, offline, on a virtual clock.
"""

import argparse
import contextlib
import json
import os
import sys
import time
import uuid
from datetime import timezone
from pathlib import Path

import grpc
from google.protobuf import duration_pb2, json_format, struct_pb2, text_format

try:
    from fanfare.v1 import campaign_pb2, coordinator_pb2, coordinator_pb2_grpc, run_pb2
except ImportError as error:
    sys.exit(f"error: {error}: generate the stubs from proto/ and put them on PYTHONPATH "
             "(see examples/clients/python/README.md)")

DEFAULT_ADDRESS = "127.0.0.1:7600"
# A unary call that takes longer than this is reported as fanfared not answering.
CALL_TIMEOUT_SECONDS = 10

# gRPC retries the calls that are safe to repeat when fanfared is briefly unavailable, for a
# second or two, as the CLI does. ApplyCampaign stores an identical spec once; StartRun is
# idempotent by run id. ApproveStep is not retried: a repeat would be refused.
SERVICE_CONFIG = {
    "methodConfig": [{
        "name": [{"service": "fanfare.v1.CampaignService", "method": method}
                 for method in ("ApplyCampaign", "StartRun", "GetRun")],
        "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.2s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        },
    }],
}


class ClientError(Exception):
    """An error for the user: printed as one `error:` line, then the script exits."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def built_in_campaign() -> campaign_pb2.CampaignSpec:
    """A short launch on X: write the post, have it approved, wait a moment, publish."""
    return campaign_pb2.CampaignSpec(
        metadata=campaign_pb2.Metadata(
            name="python-launch",
            description="Write, approve and publish one post on X (examples/clients/python).",
            labels={"client": "python"}),
        params=[campaign_pb2.ParamSpec(
            name="product", type=campaign_pb2.PARAM_TYPE_STRING,
            default_value=struct_pb2.Value(string_value="Acme Rocket"))],
        accounts={"x": campaign_pb2.NetworkAccounts(names=["acme_x"])},
        steps=[
            action_step("copy", "content.generate", {
                "brief": {
                    "product": "{{ params.product }}",
                    "headline": "{{ params.product }} is here",
                    "body": "Faster, lighter, and ready for your next mission.",
                    "link": "https://acme.example/rocket",
                    "hashtags": ["launch"],
                },
                "networks": ["x"],
                "utm": {"campaign": "python-launch"},
            }),
            campaign_pb2.Step(
                id="approve_copy", needs=["copy"],
                approval=campaign_pb2.ApprovalSpec(
                    message="Approve the post for {{ params.product }} on X")),
            campaign_pb2.Step(
                id="settle", needs=["approve_copy"],
                wait=campaign_pb2.WaitSpec(duration=duration_pb2.Duration(seconds=5))),
            action_step("publish", "x.publish", {
                "text": "{{ steps.copy.output.variants.x.text }}",
                "link": "{{ steps.copy.output.variants.x.link }}",
            }, needs=["settle"]),
        ])


def action_step(step_id: str, action: str, inputs: dict, needs=()) -> campaign_pb2.Step:
    step = campaign_pb2.Step(id=step_id, action=action, needs=needs)
    getattr(step, "with").update(inputs)  # `with` is a Python keyword
    return step


def load_campaign(path: Path) -> campaign_pb2.CampaignSpec:
    """A CampaignSpec in the protobuf JSON mapping (.json) or text format (anything else)."""
    if path.suffix in (".yaml", ".yml"):
        raise ClientError(
            f"{path}: YAML campaigns are read by the `fanfare` CLI (`fanfare apply {path}`); "
            "this script reads a CampaignSpec as protobuf JSON (.json) or text format "
            "(.textproto) — `--print-campaign` shows one")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ClientError(f"cannot read campaign file {path}: {error.strerror}", 2)
    spec = campaign_pb2.CampaignSpec()
    try:
        if path.suffix == ".json":
            json_format.Parse(text, spec)
        else:
            text_format.Parse(text, spec)
    except json_format.ParseError as error:
        raise ClientError(f"{path}: {error}")
    except text_format.ParseError as error:
        # str(error) is "LINE:COLUMN : message".
        raise ClientError(f"{path}:{error.GetLine()}:{error.GetColumn()}: "
                          f"{str(error).partition(' : ')[2]}")
    return spec


def parse_param(text: str) -> tuple[str, str]:
    """`NAME=VALUE`, split; see `param_values` for how VALUE is read."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(
            f"expected NAME=VALUE, e.g. --param product=\"Acme Rocket\", got {text!r}")
    return name, value


def param_values(params: list[tuple[str, str]],
                 spec: campaign_pb2.CampaignSpec) -> struct_pb2.Struct:
    """Each value is read as JSON (40, true, ["x"]) when it is JSON, and as the text typed
    otherwise; for a param the campaign declares as a string, duration or timestamp it is
    always the text, so `--param tag=2024` gives "2024", as in the `fanfare` CLI."""
    textual = {param.name for param in spec.params
               if param.type in (campaign_pb2.PARAM_TYPE_STRING, campaign_pb2.PARAM_TYPE_DURATION,
                                 campaign_pb2.PARAM_TYPE_TIMESTAMP)}
    values = {}
    for name, text in params:
        try:
            values[name] = text if name in textual else json.loads(text)
        except json.JSONDecodeError:
            values[name] = text
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def parse_args(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Apply a campaign to fanfared, start a run and watch it to its end.",
        epilog="Exit codes: 0 the run succeeded, 1 it did not, 2 usage, 3 fanfared "
               "unreachable, 4 not found, 5 refused.")
    parser.add_argument(
        "--address", default=os.environ.get("FANFARE_ADDRESS", DEFAULT_ADDRESS),
        help="where fanfared listens (default: $FANFARE_ADDRESS, else %(default)s)")
    parser.add_argument(
        "--namespace",
        help="namespace of the campaign and the run (default: the campaign's, else default)")
    parser.add_argument(
        "--campaign", type=Path, metavar="FILE",
        help="a CampaignSpec as protobuf JSON (.json) or text format; default: a built-in "
             "campaign that writes, approves and publishes a post on X")
    parser.add_argument(
        "--run-id", help="the run's id; default: CAMPAIGN-<16 hex digits>. Running again "
                         "with the same id and input follows the existing run")
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a param of the run (repeatable); VALUE is read as JSON, or else as text "
             "(always as text for a string, duration or timestamp param)")
    parser.add_argument(
        "--approve-as", metavar="IDENTITY",
        help="approve every approval step the run waits on, as IDENTITY")
    parser.add_argument(
        "--print-campaign", action="store_true",
        help="print the campaign as protobuf JSON and exit (a start for --campaign)")
    return parser.parse_args(argv)


@contextlib.contextmanager
def reporting(what: str, address: str):
    """Turns a failed call into a ClientError that says what was being done."""
    try:
        yield
    except grpc.RpcError as error:
        code = error.code()
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise ClientError(f"{what}: fanfared at {address} did not answer within "
                              f"{CALL_TIMEOUT_SECONDS} s", 3) from None
        if code == grpc.StatusCode.UNAVAILABLE:
            raise ClientError(
                f"cannot reach fanfared at {address}: {error.details()} — is it running? "
                "Start it with `fanfared --dev --rehearse`, or point --address or "
                "FANFARE_ADDRESS at it", 3) from None
        exit_codes = {
            grpc.StatusCode.NOT_FOUND: 4,
            grpc.StatusCode.ALREADY_EXISTS: 5,
            grpc.StatusCode.FAILED_PRECONDITION: 5,
            grpc.StatusCode.PERMISSION_DENIED: 5,
        }
        raise ClientError(f"{what}: {error.details()}", exit_codes.get(code, 1)) from None


def history(stub, namespace: str, run_id: str):
    """The run's history events until the one that ends the run. WatchRun is resumable:
    when the stream breaks, it is reopened after the last event seen."""
    next_seq, reconnects = 1, 0
    while True:
        request = coordinator_pb2.WatchRunRequest(
            namespace=namespace, run_id=run_id, from_seq=next_seq)
        try:
            for event in stub.WatchRun(request):
                next_seq, reconnects = event.seq + 1, 0
                yield event
            return
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or reconnects == 3:
                raise
            reconnects += 1
            time.sleep(0.5 * reconnects)


def event_line(event: run_pb2.HistoryEvent) -> str:
    """`12:00:02 copy SUCCEEDED attempt 1: message` (local time), as `fanfare watch`
    prints it. Under `fanfared --rehearse` the times are the virtual clock's."""
    what = run_pb2.EventType.Name(event.type).removeprefix("EVENT_TYPE_")
    what = what.removeprefix("STEP_").removeprefix("RUN_")
    when = event.time.ToDatetime(tzinfo=timezone.utc).astimezone()
    line = f"{when:%H:%M:%S} {event.step_key or 'run'} {what}"
    if event.attempt:
        line += f" attempt {event.attempt}"
    if event.actor:
        line += f" by {event.actor}"
    if message := event.message or event.error.message:
        line += ": " + " ".join(message.split())  # one line per event
    return line


class Launch:
    """One run of one campaign on one coordinator, from apply to outcome."""

    def __init__(self, stub, args: argparse.Namespace, spec: campaign_pb2.CampaignSpec):
        self.stub = stub
        self.args = args
        self.spec = spec
        self.namespace = spec.metadata.namespace
        self.run_id = args.run_id or f"{spec.metadata.name}-{uuid.uuid4().hex[:16]}"

    def apply(self):
        with reporting("apply campaign", self.args.address):
            applied = self.stub.ApplyCampaign(coordinator_pb2.ApplyCampaignRequest(
                spec=self.spec, source_name=str(self.args.campaign or "launch_client.py")),
                timeout=CALL_TIMEOUT_SECONDS)
        print(f"campaign {self.spec.metadata.name}: version {applied.campaign.version} "
              f"({'changed' if applied.changed else 'unchanged'})", flush=True)

    def start(self):
        params = param_values(self.args.param, self.spec)
        with reporting(f"start run {self.run_id}", self.args.address):
            started = self.stub.StartRun(coordinator_pb2.StartRunRequest(
                namespace=self.namespace, campaign=self.spec.metadata.name,
                run_id=self.run_id, params=params,
                identity=os.environ.get("USER", "launch_client.py")),
                timeout=CALL_TIMEOUT_SECONDS)
        print(f"run {self.run_id} {'started' if started.created else 'already exists'} "
              f"({started.run.campaign} version {started.run.campaign_version})", flush=True)

    def watch(self):
        """Prints the run's history as it happens, deciding approvals on the way."""
        with reporting(f"watch run {self.run_id}", self.args.address):
            for event in history(self.stub, self.namespace, self.run_id):
                print(event_line(event), flush=True)
                if event.type == run_pb2.EVENT_TYPE_STEP_WAITING:
                    self.on_waiting(event.step_key)

    def on_waiting(self, step_key: str):
        """The WAITING event does not say what the step waits for; its instance does."""
        awaits_decision = any(
            step.key == step_key and step.state == run_pb2.STEP_STATE_WAITING
            and step.waiting.kind == run_pb2.WaitingReason.KIND_APPROVAL
            for step in self.get_run().steps)
        if not awaits_decision:
            return  # a timer or a backoff, or the step has moved on already
        if not self.args.approve_as:
            print(f"  (waiting for a decision: fanfare approve {self.run_id} {step_key}, "
                  "or run this script with --approve-as IDENTITY)", flush=True)
            return
        with reporting(f"approve {step_key}", self.args.address):
            self.stub.ApproveStep(coordinator_pb2.DecideStepRequest(
                namespace=self.namespace, run_id=self.run_id, step_key=step_key,
                identity=self.args.approve_as, comment="approved by launch_client.py"),
                timeout=CALL_TIMEOUT_SECONDS)

    def get_run(self) -> run_pb2.Run:
        with reporting(f"get run {self.run_id}", self.args.address):
            return self.stub.GetRun(
                coordinator_pb2.GetRunRequest(namespace=self.namespace, run_id=self.run_id),
                timeout=CALL_TIMEOUT_SECONDS)

    def outcome(self) -> bool:
        """Prints every step's final state and the run's; True if the run succeeded."""
        run = self.get_run()
        for step in run.steps:
            state = run_pb2.StepState.Name(step.state).removeprefix("STEP_STATE_")
            print(f"  {step.key:<20} {state:<10} {step.action}")
        status = run_pb2.RunStatus.Name(run.status).removeprefix("RUN_STATUS_")
        detail = f": {run.error.message}" if run.error.message else ""
        print(f"run {self.run_id} {status}{detail}", flush=True)
        return run.status == run_pb2.RUN_STATUS_SUCCEEDED


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        spec = load_campaign(args.campaign) if args.campaign else built_in_campaign()
        spec.metadata.namespace = args.namespace or spec.metadata.namespace or "default"
        if args.print_campaign:
            print(json_format.MessageToJson(spec, preserving_proto_field_name=True))
            return 0
        options = [("grpc.enable_retries", 1),
                   ("grpc.service_config", json.dumps(SERVICE_CONFIG))]
        with grpc.insecure_channel(args.address, options=options) as channel:
            launch = Launch(coordinator_pb2_grpc.CampaignServiceStub(channel), args, spec)
            launch.apply()
            launch.start()
            launch.watch()
            return 0 if launch.outcome() else 1
    except ClientError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
