using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;

namespace Vigil.Server;

/// <summary>Reporting to NCMEC's CyberTipline from the server: where, as whom, and how the outbox's worker runs (docs/reporting.md).</summary>
/// <param name="Client">The endpoint and credentials (the test host unless production was chosen explicitly).</param>
/// <param name="Delivery">The reporter and the outbox's leases, back-off and limits.</param>
/// <param name="Worker">How often and how many at once.</param>
public sealed record ReportingSettings(CyberTiplineClientOptions Client, ReportDeliveryOptions Delivery, ReportWorkerOptions? Worker = null);
