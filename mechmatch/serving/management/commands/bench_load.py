"""Load benchmark of a running server: simulated users (a weighted mix of preview,
directory and home), optionally with idle event streams held open and accept-to-screen
probes. Bounded in time, stops by itself, targets only 127.0.0.1.

    manage.py bench_load --url http://127.0.0.1:8100 --users 200 --seconds 60
    manage.py bench_load --url http://127.0.0.1:8100 --streams 5000 --users 20 --mix home=1 --seconds 30
    manage.py bench_load --url http://127.0.0.1:8100 --streams 1000 --users 0 --accepts 40
    manage.py bench_load --url http://127.0.0.1:8100 --users 0 --uploads 16 --upload-seconds 20

It mints API tokens (named "bench-load", removed at the end) and, with --accepts, creates
session requests in the database the server uses: point it at a benchmark database."""

from __future__ import annotations

import asyncio
import json
import math
import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, transaction

from mechmatch.accounts.models import ApiToken, User
from mechmatch.accounts.services import token_create
from mechmatch.dispatch.models import Consultation
from mechmatch.mechanics.models import Mechanic
from mechmatch.serving import loadgen
from mechmatch.serving.httpclient import Connection, percentile, split_url

TOKEN_NAME = "bench-load"
STREAMS_PER_USER = 2  # stays under any sensible per-user stream cap


class Command(BaseCommand):
    help = "Load-test a running server on this machine and print req/s and latency percentiles."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--users", type=int, default=200)
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--mix", default="preview=2,directory=1,home=1")
        parser.add_argument("--think", default="0.5,1.5", help="Pause between a user's requests (min,max s).")
        parser.add_argument("--streams", type=int, default=0, help="Idle event streams held during the run.")
        parser.add_argument("--accepts", type=int, default=0, help="Accept-to-screen probes after the run.")
        parser.add_argument(
            "--uploads", type=int, default=0, help="Mechanics uploading photos while another changes shift."
        )
        parser.add_argument("--upload-seconds", type=float, default=20.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            host, port = split_url(options["url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # every stream is a socket
        try:
            mix = loadgen.parse_mix(options["mix"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        low, _, high = options["think"].partition(",")
        think = (float(low), float(high or low))
        stream_targets = self._stream_targets(options["streams"])
        probes = self._probe_pairs(options["accepts"])
        uploaders = self._upload_targets(options["uploads"])
        close_old_connections()
        try:
            result = asyncio.run(self._run(host, port, mix, think, options, stream_targets, probes, uploaders))
        finally:
            ApiToken.objects.filter(name=TOKEN_NAME).delete()
        result["load_average_after"] = loadgen.load_average()
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self._print(result)

    # ---------------------------------------------------------------- setup (database)

    def _stream_targets(self, count: int) -> list[tuple[str, str]]:
        if count <= 0:
            return []
        needed = math.ceil(count / STREAMS_PER_USER)
        mechanics = list(Mechanic.objects.select_related("user").order_by("id")[:needed])
        if len(mechanics) < needed:
            raise CommandError(f"{count} streams need {needed} mechanics; the database has {len(mechanics)}")
        targets = []
        with transaction.atomic():
            for mechanic in mechanics:
                _, raw = token_create(user=mechanic.user, name=TOKEN_NAME)
                targets += [(f"/api/events/stream?channel=mechanic-{mechanic.pk}", raw)] * STREAMS_PER_USER
        return targets[:count]

    def _probe_pairs(self, count: int) -> list[dict[str, Any]]:
        """For each probe: a customer with a request offered to one free mechanic on shift."""
        if count <= 0:
            return []
        from mechmatch.dispatch import services

        busy = Consultation.objects.filter(status="active").values("mechanic_id")
        mechanics = list(
            Mechanic.objects.filter(is_on_shift=True, application_status="approved", account_status="active")
            .exclude(pk__in=busy)
            .select_related("user")
            .order_by("?")[: count * 2]
        )
        customers = list(User.objects.filter(role=User.Role.CUSTOMER, customer__isnull=False)[: count * 2])
        probes: list[dict[str, Any]] = []
        for mechanic, customer in zip(mechanics, customers, strict=False):
            if len(probes) >= count:
                break
            try:
                request, _ = services.request_create(
                    user=customer,
                    concern="Bench: grinding noise when braking",
                    vehicle={"make": "Honda", "model": f"Bench{len(probes)}", "year": 2018},
                    routing_type="selected",
                    selected_mechanic_id=mechanic.pk,
                    country=customer.customer.country or "CA",
                    postal_code=customer.customer.postal_code or "M5V 2T6",
                )
            except Exception as exc:  # noqa: BLE001 - a probe that cannot be set up is skipped
                self.stderr.write(f"probe skipped: {exc}")
                continue
            offer = request.offers.filter(mechanic=mechanic).first()
            if offer is None:
                continue
            _, customer_token = token_create(user=customer, name=TOKEN_NAME)
            _, mechanic_token = token_create(user=mechanic.user, name=TOKEN_NAME)
            probes.append(
                {
                    "channel": f"request-{request.pk}",
                    "offer": offer.pk,
                    "customer_token": customer_token,
                    "mechanic_token": mechanic_token,
                }
            )
        return probes

    def _upload_targets(self, count: int) -> dict[str, Any] | None:
        """Tokens of `count` uploading mechanics and of one more who changes shift; taken
        from the end of the id order, away from the streams' mechanics."""
        if count <= 0:
            return None
        mechanics = list(
            Mechanic.objects.filter(application_status="approved", account_status="active")
            .select_related("user")
            .order_by("-id")[: count + 1]
        )
        if len(mechanics) < count + 1:
            raise CommandError(f"{count} uploads need {count + 1} mechanics; the database has {len(mechanics)}")
        shifter, *uploaders = mechanics
        return {
            "shift_token": token_create(user=shifter.user, name=TOKEN_NAME)[1],
            "shift_restore": shifter.is_on_shift,
            "upload_tokens": [token_create(user=m.user, name=TOKEN_NAME)[1] for m in uploaders],
        }

    # ---------------------------------------------------------------- the run (network)

    async def _run(
        self,
        host: str,
        port: int,
        mix: dict[str, int],
        think: tuple[float, float],
        options: dict[str, Any],
        stream_targets: list[tuple[str, str]],
        probes: list[dict[str, Any]],
        uploaders: dict[str, Any] | None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"url": options["url"], "load_average_before": loadgen.load_average()}
        pool = loadgen.StreamPool()
        if stream_targets:
            started = time.monotonic()
            await pool.open_many(host, port, stream_targets, rate=200)
            result["streams"] = {
                "requested": len(stream_targets),
                "opened": pool.opened,
                "failed": pool.failed,
                "seconds_to_open": round(time.monotonic() - started, 1),
                "failures": pool.failures,
            }
            result["server_memory_with_streams"] = loadgen.server_memory(port)
        try:
            if options["users"] > 0 and options["seconds"] > 0:
                stats = loadgen.Stats()
                cpu_before = loadgen.server_cpu_seconds(port)
                deadline = time.monotonic() + options["seconds"]
                started = time.monotonic()
                await asyncio.gather(
                    *(
                        loadgen.browse(host, port, mix, deadline, think, options["seed"] + n, stats)
                        for n in range(options["users"])
                    )
                )
                result["users"] = options["users"]
                result["endpoints"] = stats.report(time.monotonic() - started)
                result["error_samples"] = stats.error_samples
                cpu = loadgen.server_cpu_seconds(port) - cpu_before
                result["server_cpu_ms_per_request"] = round(
                    cpu * 1000 / max(1, result["endpoints"]["all"]["requests"]), 2
                )
            if probes:
                result["accept_to_screen"] = await self._probe(host, port, probes)
            if uploaders:
                result["uploads"] = await self._uploads(host, port, uploaders, options["upload_seconds"])
            if stream_targets:
                result["streams"]["held_at_end"] = pool.open_now
        finally:
            pool.close()
        return result

    async def _probe(self, host: str, port: int, probes: list[dict[str, Any]]) -> dict[str, Any]:
        latencies, failures = [], 0
        for probe in probes:
            ready = asyncio.Event()
            path = f"/api/events/stream?channel={probe['channel']}"
            watcher = asyncio.create_task(
                loadgen.watch_for(host, port, path, probe["customer_token"], "matched", ready, timeout=15)
            )
            await ready.wait()
            await asyncio.sleep(0.2)  # the stream has subscribed before the accept is sent
            conn = Connection(host, port)
            sent = time.monotonic()
            response = await conn.request(
                "POST",
                f"/api/mechanic/offers/{probe['offer']}/accept",
                {"Authorization": f"Bearer {probe['mechanic_token']}", "Content-Type": "application/json"},
                b"{}",
            )
            conn.close()
            seen = await watcher
            if response.status != 200 or seen is None:
                failures += 1
                continue
            latencies.append(seen - sent)
        latencies.sort()
        return {
            "probes": len(probes),
            "failures": failures,
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "max_ms": round((latencies[-1] if latencies else 0) * 1000, 1),
        }

    async def _uploads(self, host: str, port: int, uploaders: dict[str, Any], seconds: float) -> dict[str, Any]:
        images = loadgen.probe_images()
        stats = loadgen.Stats()
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            loadgen.toggle_shift(
                host, port, uploaders["shift_token"], deadline, stats, restore=uploaders["shift_restore"]
            ),
            *(
                loadgen.upload_photos(host, port, token, images, deadline, stats)
                for token in uploaders["upload_tokens"]
            ),
        )
        return {
            "uploaders": len(uploaders["upload_tokens"]),
            "endpoints": stats.report(time.monotonic() - started),
            "error_samples": stats.error_samples,
        }

    # ---------------------------------------------------------------- output

    def _print(self, result: dict[str, Any]) -> None:
        lines = [f"target {result['url']}  load average before {result['load_average_before']}"]
        if "streams" in result:
            s, memory = result["streams"], result["server_memory_with_streams"]
            lines.append(
                f"streams: requested {s['requested']}, opened {s['opened']}, failed {s['failed']} "
                f"in {s['seconds_to_open']} s, held at end {s.get('held_at_end', '?')}"
            )
            lines += [f"  stream failure: {failure}" for failure in s["failures"]]
            lines.append(
                f"server memory with streams open: {memory['rss_mb_total']} MB RSS over "
                f"{memory['processes']} processes {memory['rss_mb_each']}"
            )
        if "endpoints" in result:
            lines.append(f"{result['users']} users")
            lines += self._table(result["endpoints"])
            lines.append(f"server CPU per request: {result['server_cpu_ms_per_request']} ms")
            lines += [f"  error: {sample}" for sample in result["error_samples"]]
        if "accept_to_screen" in result:
            a = result["accept_to_screen"]
            lines.append(
                f"accept-to-screen: {a['probes']} probes, {a['failures']} failed, "
                f"p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms, max {a['max_ms']} ms"
            )
        if "uploads" in result:
            u = result["uploads"]
            lines.append(f"{u['uploaders']} mechanics uploading photos while another changes shift")
            lines += self._table(u["endpoints"])
            lines += [f"  error: {sample}" for sample in u["error_samples"]]
        lines.append(f"load average after {result['load_average_after']}")
        self.stdout.write("\n".join(lines))

    @staticmethod
    def _table(rows: dict[str, dict[str, Any]]) -> list[str]:
        columns = ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors")
        lines = [f"{'endpoint':<15}" + "".join(f"{c:>10}" for c in columns)]
        lines += [f"{name:<15}" + "".join(f"{row[c]:>10}" for c in columns) for name, row in rows.items()]
        return lines
