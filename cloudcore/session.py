"""Session: settings, credentials, models and events shared by the clients it creates.

>>> session = cloudcore.Session(region_name="cn-hangzhou")
>>> ecs = session.create_client("ecs")

A session is cheap and holds no connections: the loader and parsed models are shared by
the whole process, credentials are resolved on the first call that needs them, and each
client owns its connection pool. Creating clients from many threads at once is safe.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudcore import __version__
from cloudcore.auth.credentials import Credentials
from cloudcore.config import DEFAULTS, Config, RetryConfig
from cloudcore.endpoints import EndpointResolver
from cloudcore.hooks import HierarchicalEmitter
from cloudcore.models.loader import Loader, ModelLocation
from cloudcore.settings import Setting, Settings

if TYPE_CHECKING:
    from cloudcore.client.base import BaseClient
    from cloudcore.client.common import CommonClient
    from cloudcore.models.service import ServiceModel
    from cloudcore.pipeline import CallPipeline
    from cloudcore.retries import RetryRules
    from cloudcore.transport import Transport

__all__ = ["Session"]

_USER_AGENT = f"cloudcore/{__version__} Python/{'.'.join(map(str, sys.version_info[:3]))}"
_rules_cache: dict[tuple[int, str], tuple[RetryRules, frozenset[str]]] = {}


class Session:
    """Settings, credentials, model search path and event handlers for a set of clients."""

    def __init__(
        self,
        region_name: str | None = None,
        profile: str | None = None,
        provider: str | None = None,
        environ: Mapping[str, str] | None = None,
        loader: Loader | None = None,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self.settings = Settings({"region_name": region_name}, profile, self._environ)
        self.profile = self.settings.profile
        self.provider = provider
        self.events = HierarchicalEmitter()
        self._loader = loader
        self._credentials: dict[str, Any] = {}
        self._resolvers: dict[str, EndpointResolver] = {}
        self._locations: dict[tuple[str, str | None, str | None], ModelLocation] = {}
        self._models: dict[ModelLocation, ServiceModel] = {}
        self._config_defaults: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    # --- models -------------------------------------------------------------------------

    @property
    def loader(self) -> Loader:
        if self._loader is None:
            self._loader = Loader(self._search_paths())
        return self._loader

    def _search_paths(self) -> list[str]:
        from cloudcore.models.loader import PACKAGED_DATA

        raw = self._environ.get("CLOUDCORE_DATA_PATH", "")
        paths = [p for p in raw.split(os.pathsep) if p]
        home = self._environ.get("HOME") or os.path.expanduser("~")
        paths.append(os.path.join(home, ".cloudcore", "models"))
        paths.append(str(PACKAGED_DATA))
        return paths

    def get_available_services(self, provider: str | None = None) -> list[str]:
        return self.loader.list_available_services(provider or self.provider)

    def get_service_model(
        self, service_name: str, api_version: str | None = None, provider: str | None = None
    ) -> ServiceModel:
        return self.loader.service_model_at(self._locate(service_name, provider, api_version))

    def _locate(
        self, service_name: str, provider: str | None, api_version: str | None
    ) -> ModelLocation:
        key = (service_name, provider or self.provider, api_version)
        loc = self._locations.get(key)
        if loc is None:
            loc = self.loader.resolve(service_name, key[1], api_version)
            self._locations[key] = loc
        return loc

    # --- settings and credentials -------------------------------------------------------

    def get_setting(self, name: str, provider: str | None = None) -> Setting:
        """A setting's value and where it came from (see ``cloudcore.settings``)."""
        return self.settings.lookup(name, provider or self.provider)

    def get_credentials(self, provider: str | None = None) -> Any:
        """The credentials the chain finds for a cloud; ``.source`` says where from."""
        cloud = provider or self.provider
        if cloud is None:
            from cloudcore.exceptions import ConfigError

            raise ConfigError(
                "get_credentials() needs provider='aliyun', 'tencentcloud' or 'aws' "
                "(or a Session(provider=...))"
            )
        creds = self._credentials.get(cloud)
        if creds is None:
            with self._lock:
                creds = self._credentials.get(cloud)
                if creds is None:
                    creds = self._credentials[cloud] = self._chain(cloud, None).resolve()
        return creds

    def _chain(self, cloud: str, explicit: Credentials | None) -> Any:
        from pathlib import Path

        from cloudcore.auth.providers import build_chain

        home = self._environ.get("HOME") or os.path.expanduser("~")
        return build_chain(
            cloud,
            profile=self.profile,
            explicit=explicit,
            environ=self._environ,
            client_factory=self._sts_client,
            home=Path(home),
        )

    def _sts_client(self, qualified_name: str, credentials: Credentials) -> BaseClient:
        cloud = qualified_name.split(".", 1)[0]
        region = self.settings.get("region_name", cloud) or {
            "aliyun": "cn-hangzhou",
            "tencentcloud": "ap-guangzhou",
            "aws": "us-east-1",
        }.get(cloud)
        client: BaseClient = self.create_client(
            qualified_name, region_name=region, credentials=credentials
        )
        return client

    # --- clients ------------------------------------------------------------------------

    def create_client(
        self,
        service_name: str,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        api_version: str | None = None,
        config: Config | None = None,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        security_token: str | None = None,
        credentials: Any = None,
        provider: str | None = None,
        transport: Transport | None = None,
    ) -> Any:
        """A client for ``service_name`` (``"ecs"``, or ``"aliyun.sts"`` when ambiguous).

        ``transport`` replaces the urllib3 transport (e.g. a ``MockTransport`` in tests).
        """
        from cloudcore.client.base import ClientMeta
        from cloudcore.client.creator import client_class_for

        loc = self._locate(service_name, provider, api_version)
        model = self._models.get(loc)
        if model is None:
            model = self._models[loc] = self.loader.service_model_at(loc)
        creds = self._explicit_credentials(
            access_key_id, access_key_secret, security_token, credentials
        )
        pipeline = self.build_pipeline(model, region_name, endpoint_url, config, creds, transport)
        s = pipeline.settings
        meta = ClientMeta(
            model, s.region_name, s.endpoint_url, s.config, s.emitter, model.cloud, loc
        )
        return client_class_for(model, self.events)(pipeline, meta)

    def create_common_client(
        self,
        provider: str,
        service: str,
        api_version: str,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        security_token: str | None = None,
        credentials: Any = None,
        transport: Transport | None = None,
    ) -> CommonClient:
        """A client for actions no model describes (Alibaba CommonRequest style).

        ``client.call("DescribeRegions", {"RegionId": "cn-hangzhou"})`` goes through the
        same pipeline, signing and retries as a modelled call; see ``cloudcore.client.common``.
        """
        from cloudcore.client.common import CommonClient

        creds = self._explicit_credentials(
            access_key_id, access_key_secret, security_token, credentials
        )
        return CommonClient(
            self,
            provider,
            service,
            api_version,
            region_name,
            endpoint_url,
            config,
            creds,
            transport,
        )

    def build_pipeline(
        self,
        model: ServiceModel,
        region_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        credentials: Any,
        transport: Transport | None,
    ) -> CallPipeline:
        """Everything a client fixes once: settings, endpoint, transport, retries, signer."""
        from cloudcore.pipeline import CallPipeline, PipelineSettings
        from cloudcore.protocols import client_protocol
        from cloudcore.retries import RetryPolicy
        from cloudcore.s3_addressing import BucketAddressing
        from cloudcore.transport import URLLib3Transport

        cloud = model.cloud
        config = self._effective_config(config, cloud)
        region = region_name or config.region_name
        if region is None:
            region = self.settings.get("region_name", cloud)
        endpoint_url = endpoint_url or self.settings.get("endpoint_url", cloud)
        endpoint = self._endpoint_resolver(cloud).resolve(
            model.endpoint_prefix, region, endpoint_url, regional=bool(config.regional_endpoints)
        )
        transport = transport or URLLib3Transport(
            connect_timeout=float(config.connect_timeout or DEFAULTS["connect_timeout"]),
            read_timeout=float(config.read_timeout or DEFAULTS["read_timeout"]),
            verify=config.verify if config.verify is not None else True,
            proxies=config.proxies,
            max_pool_connections=config.max_pool_connections or 10,
            environ=self._environ,
        )
        rules, skew_codes = self._retry_rules(cloud)
        extra = config.user_agent_extra
        signing_region = endpoint.signing_region or region or ""
        breaker = config.region_breaker
        addressing = BucketAddressing.from_data(endpoint.bucket_addressing, config.s3)
        return CallPipeline(
            PipelineSettings(
                service_model=model,
                protocol=client_protocol(model.protocol).with_options(language=config.language),
                endpoint_url=endpoint.url,
                region_name=region,
                signing_region=signing_region,
                signature_version=config.signature_version or model.signature_version or "none",
                transport=transport,
                retry_policy=RetryPolicy(config.retry, rules),
                emitter=self.events.child(),
                credentials=self._credential_source(cloud, credentials),
                user_agent=f"{_USER_AGENT} {extra}" if extra else _USER_AGENT,
                config=config,
                parameter_validation=bool(config.parameter_validation),
                total_timeout=config.total_timeout,
                clock_skew_codes=skew_codes,
                language=config.language,
                breaker=breaker.state_for(endpoint.url, signing_region) if breaker else None,
                bucket_addressing=addressing if addressing.moves_buckets else None,
            )
        )

    def _effective_config(self, config: Config | None, cloud: str) -> Config:
        defaults = self._config_defaults.get(cloud)
        if defaults is None:
            defaults = self._config_defaults[cloud] = self._settings_config(cloud)
        return (config or Config()).with_defaults(defaults)

    def _settings_config(self, cloud: str) -> dict[str, Any]:
        """What the environment, config file and defaults say for ``cloud``, resolved once."""
        get = self.settings.get
        defaults: dict[str, Any] = {
            name: get(name, cloud)
            for name in (
                "connect_timeout",
                "read_timeout",
                "total_timeout",
                "max_pool_connections",
                "parameter_validation",
                "language",
                "regional_endpoints",
            )
        }
        defaults["retries"] = RetryConfig(
            mode=get("retry_mode", cloud), max_attempts=get("max_attempts", cloud)
        )
        defaults["verify"] = get("ca_bundle", cloud) or True
        defaults["s3"] = {"addressing_style": get("s3_addressing_style", cloud)}
        return {**DEFAULTS, **{k: v for k, v in defaults.items() if v is not None}}

    def config_sources(
        self, config: Config | None = None, provider: str | None = None
    ) -> dict[str, Setting]:
        """Each Config field a setting can fill, with its value and where it came from.

        A field set on ``config`` comes from code; otherwise the environment, the config
        file or the default answers (several sources are joined for ``retries``).
        """
        from cloudcore.settings import CONFIG_SETTINGS

        cloud = provider or self.provider
        config = config or Config()
        effective = config.with_defaults(self._settings_config(cloud or ""))
        found: dict[str, Setting] = {}
        for field_name, names in CONFIG_SETTINGS.items():
            if config.is_set(field_name):
                found[field_name] = Setting(getattr(config, field_name), "code (Config)")
                continue
            value = getattr(effective, field_name)
            if field_name == "region_name":
                value = self.settings.get("region_name", cloud)
            sources = [self.settings.lookup(name, cloud).source for name in names]
            chosen = [src for src in sources if src != "default"]
            found[field_name] = Setting(value, "; ".join(dict.fromkeys(chosen)) or "default")
        return found

    def _endpoint_resolver(self, cloud: str) -> EndpointResolver:
        resolver = self._resolvers.get(cloud)
        if resolver is None:
            resolver = EndpointResolver(self.loader.load_cloud_data(cloud, "_endpoints"))
            self._resolvers[cloud] = resolver
        return resolver

    def _retry_rules(self, cloud: str) -> tuple[RetryRules, frozenset[str]]:
        """The cloud's retry rules and clock-skew error codes (``_retry.json``)."""
        from cloudcore.retries import RetryRules

        key = (id(self.loader), cloud)
        entry = _rules_cache.get(key)
        if entry is None:
            data = self.loader.load_cloud_data(cloud, "_retry")
            entry = (RetryRules.from_data(data), frozenset(data.get("clock_skew", ())))
            _rules_cache[key] = entry
        return entry

    @staticmethod
    def _explicit_credentials(
        access_key_id: str | None,
        access_key_secret: str | None,
        security_token: str | None,
        credentials: Any,
    ) -> Any:
        if credentials is not None:
            return credentials
        if access_key_id or access_key_secret:
            if not (access_key_id and access_key_secret):
                from cloudcore.exceptions import NoCredentialsError

                raise NoCredentialsError(
                    looked_in=[
                        "explicit arguments (access_key_id and access_key_secret "
                        "must be given together)"
                    ]
                )
            return Credentials(access_key_id, access_key_secret, security_token, source="explicit")
        return None

    def _credential_source(self, cloud: str, explicit: Any) -> Any:
        """A callable the pipeline asks for credentials at signing time."""
        if explicit is not None:
            return explicit.get_frozen
        return lambda: self.get_credentials(cloud).get_frozen()
