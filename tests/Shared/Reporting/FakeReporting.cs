using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Server;

namespace Vigil.Testing;

/// <summary>The server's reporting settings for filing to a fake CyberTipline, with back-offs short enough for a test (shared by the server and browser tests).</summary>
internal static class FakeReporting
{
    public static ReportingSettings To(FakeCyberTipline fake) => new(
        new CyberTiplineClientOptions
        {
            BaseAddress = fake.BaseAddress,
            Credentials = new CyberTiplineCredentials("vigil", "vigil-dev"),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        },
        new ReportDeliveryOptions
        {
            Reporter = new ReporterSettings
            {
                Company = "Example Platform Inc.",
                ReportingPerson = new ReporterPerson { FirstName = "Riley", LastName = "Reporter", Email = "trust@example.com" },
            },
            BackoffBase = TimeSpan.FromMilliseconds(50),
        },
        new ReportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
}
