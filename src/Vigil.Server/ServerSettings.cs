namespace Vigil.Server;

/// <summary>How the service runs.</summary>
public sealed record ServerSettings
{
    /// <summary>Addresses to listen on (default <c>http://127.0.0.1:5100</c>: loopback only).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5100";

    /// <summary>
    /// Whether <c>GET /metrics</c> answers, in Prometheus's text format, without a key (default off:
    /// 404). With <see cref="MetricsUrls"/> it is served there only.
    /// </summary>
    public bool Metrics { get; init; }

    /// <summary>
    /// Addresses of a listener of its own that serves only <c>GET /metrics</c> (say, on an address
    /// only the monitoring network reaches); null (the default) serves it beside the API when
    /// <see cref="Metrics"/> is on. Setting it turns metrics on.
    /// </summary>
    public string? MetricsUrls { get; init; }

    /// <summary>Whether metrics are served at all (<see cref="Metrics"/> or <see cref="MetricsUrls"/>).</summary>
    public bool MetricsEnabled => Metrics || !string.IsNullOrWhiteSpace(MetricsUrls);

    /// <summary>How often each replica reads the change log.</summary>
    public TimeSpan FollowInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a verified API key is trusted before it is looked up again (revocation takes effect within this).</summary>
    public TimeSpan KeyCacheTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests per second each API key may make on average (a token bucket; 429 beyond it).</summary>
    public int RequestsPerSecondPerKey { get; init; } = 20_000;

    /// <summary>How many requests a key may make at once above its average rate.</summary>
    public int BurstPerKey { get; init; } = 20_000;

    /// <summary>
    /// Unknown or revoked keys one remote address may send per second on average (default 10); beyond
    /// <see cref="FailedKeyBurstPerAddress"/> in a burst, its requests that need a store read get 429
    /// until the budget refills. Keys already verified (cached) are not affected.
    /// </summary>
    public int FailedKeysPerSecondPerAddress { get; init; } = 10;

    /// <summary>How many unknown, revoked or expired keys one remote address may send at once (default 100).</summary>
    public int FailedKeyBurstPerAddress { get; init; } = 100;

    /// <summary>
    /// The largest media file, in bytes, that <c>POST /h/hash</c>, <c>POST /m/lookup</c> and
    /// <c>POST /c/bank/NAME/content</c> accept, and the most <c>GET /h/hash?url=</c> downloads
    /// (default 50 MiB). Larger ones get 413. A multipart request body may be
    /// <see cref="MediaEndpoints.MultipartOverheadBytes"/> longer, for its framing and form fields.
    /// </summary>
    public long MaxUploadBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// The largest JSON request body, in bytes (default 1 MiB): bank, signal, content and compare
    /// requests are a few hundred bytes. Larger ones get 413.
    /// </summary>
    public long MaxJsonBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// URL prefixes (<c>scheme://host[:port][/path]</c>) that <c>GET /h/hash?url=</c> and
    /// <c>POST /c/bank/NAME/content?url=</c> may fetch, compared after parsing: same scheme, same
    /// host, same port, and the path inside the prefix's path. Only http and https. Empty (the
    /// default) turns fetching URLs off (403).
    /// </summary>
    public IReadOnlyList<string> HashUrlAllowList { get; init; } = [];

    /// <summary>How long fetching one URL may take in all, redirects included (default 30 s, as HMA).</summary>
    public TimeSpan HashUrlTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long hashing one uploaded or fetched video may take, waiting for a free decoder included
    /// (default 5 minutes; 504 beyond it). A 50 MiB SD video takes well under a minute here.
    /// </summary>
    public TimeSpan VideoHashTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many videos are decoded at once (default half the cores, at least one); the cores are
    /// shared among them. Further video requests wait, within <see cref="VideoHashTimeout"/>.
    /// </summary>
    public int MaxConcurrentVideos { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// The published private-matching list (<c>vigil serve --psi DIR</c>, <see cref="PsiList.Load"/>)
    /// that <c>POST /v1/vouchers</c> processes vouchers against; null (the default) turns private
    /// matching off (503).
    /// </summary>
    public PsiList? PrivateMatching { get; init; }

    /// <summary>Most vouchers one <c>POST /v1/vouchers</c> may carry (default 10,000; 413 beyond it).</summary>
    public int MaxVouchersPerUpload { get; init; } = 10_000;

    /// <summary>Signed checkpoints of the audit log's head (off when null); see docs/audit.md.</summary>
    public Audit.AuditCheckpointSettings? AuditCheckpoints { get; init; }

    /// <summary>
    /// Whose PDQ the media endpoints compute: the reference pipeline's (default) or python-threatexchange's
    /// (<see cref="Vigil.Media.DecodeCompat.Pytx"/>, <c>vigil serve --compat pytx</c>), to match banks HMA built.
    /// </summary>
    public Vigil.Media.DecodeCompat Compat { get; init; } = Vigil.Media.DecodeCompat.Reference;

    /// <summary>The reviewer web UI's sessions, breaks and reveals (<c>/review</c>); the media limits are <see cref="Review"/>'s.</summary>
    public ReviewUi.ReviewUiSettings ReviewUi { get; init; } = new();

    /// <summary>How review runs: leases, four-eyes, the banks decisions feed, wellness limits, retention.</summary>
    public Vigil.Review.ReviewOptions Review { get; init; } = new();

    /// <summary>The evidence vault (from <c>--vault-key FILE</c>), or null: then the server keeps no media of cases.</summary>
    public Vigil.Review.Evidence.IMediaVault? EvidenceVault { get; init; }

    /// <summary>Makes reviewers' blurred derivatives (null: none, and blurred views of stored media are refused).</summary>
    public Vigil.Review.Wellness.IReviewDerivatives? Derivatives { get; init; } = new Vigil.Review.Wellness.ReviewDerivatives();
    /// <summary>
    /// The action rules (<c>vigil serve --actions FILE</c>, <see cref="Vigil.Review.Actions.ActionRuleSet.Load"/>);
    /// null or empty (the default) turns actions off: events are dropped and nothing is sent.
    /// </summary>
    public Vigil.Review.Actions.ActionRuleSet? Actions { get; init; }

    /// <summary>
    /// URL prefixes action webhooks may be sent to (<c>--allow-webhook-url</c>), compared as
    /// <see cref="HashUrlAllowList"/> is; the rules were checked against it when loaded, and every
    /// send is checked again.
    /// </summary>
    public IReadOnlyList<string> WebhookUrlAllowList { get; init; } = [];

    /// <summary>How webhooks are retried, timed out and given up (see <see cref="Vigil.Review.Actions.ActionDeliveryPolicy"/>).</summary>
    public Vigil.Review.Actions.ActionDeliveryPolicy ActionPolicy { get; init; } = new();

    /// <summary>Whether this server fetches the hash exchanges in its store on their intervals. Default true (replicas share the work: each exchange is held by one at a time).</summary>
    public bool FetchExchanges { get; init; } = true;

    /// <summary>URL prefixes a <c>url</c> exchange may be fetched from (none: url exchanges are refused).</summary>
    public IReadOnlyList<string> ExchangeUrlAllowList { get; init; } = [];

    /// <summary>How the exchanges are fetched: the tick, each run's batch and time cap.</summary>
    public Vigil.Exchanges.Sync.ExchangeScheduleOptions ExchangeSchedule { get; init; } = new();

    /// <summary>How review decisions on exchange entries are sent back: the tick, batch, backoff and last attempt (sent only when <see cref="FetchExchanges"/> is on).</summary>
    public Vigil.Exchanges.Sync.ExchangeFeedbackSenderOptions ExchangeFeedback { get; init; } = new();

    /// <summary>Reporting to NCMEC's CyberTipline: when set (it needs <see cref="EvidenceVault"/>), a worker files every case decided <c>report</c>.</summary>
    public ReportingSettings? Reporting { get; init; }

    /// <summary>The media classifier (<c>vigil serve --classifier MANIFEST</c>) that scores uploads sent with <c>classify=true</c>, or null.</summary>
    public Vigil.Classifiers.IMediaClassifier? Classifier { get; init; }

    /// <summary>The rules conversations are scored by (<c>vigil serve --conversation-rules FILE</c>); null: the built-in ones.</summary>
    public Vigil.Conversations.RiskRules? ConversationRules { get; init; }

    /// <summary>A licensed text model counted as one more conversation signal (<c>vigil serve --text-model MANIFEST</c>), or null.</summary>
    public Vigil.Conversations.MessageModelSignal? ConversationTextModel { get; init; }
}
