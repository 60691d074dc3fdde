using Vigil.Reporting.Delivery;

namespace Vigil.Server.Tests;

/// <summary>The CyberTipline status as <c>/status</c> shows it: no secret from the URL or the configured user reaches the answer.</summary>
public class ReportingStatusViewTests
{
    [Fact]
    public void The_endpoint_loses_its_user_info_query_and_fragment_and_the_message_its_secrets()
    {
        var status = new ReportingStatus(new Uri("https://ops:hunter2@proxy.example.com:8443/ispws/?token=abc#frag"), production: false);
        status.Checked(DateTimeOffset.UnixEpoch, false, "could not reach https://ops:hunter2@proxy.example.com:8443/ispws/status as ncmec-user");
        var view = ReportingStatusView.From(status.Current, 3, ["ncmec-user"]);
        Assert.Equal("https://proxy.example.com:8443/ispws/", view.Endpoint);
        Assert.Equal("could not reach https://***@proxy.example.com:8443/ispws/status as ***", view.Message);
        Assert.Equal(("test", false, 3), (view.Environment, view.Reachable, view.Filed));
    }

    [Fact]
    public void A_plain_endpoint_is_shown_as_it_is()
    {
        var status = new ReportingStatus(new Uri("https://exttest.cybertip.org/ispws/"), production: false);
        var view = ReportingStatusView.From(status.Current, 0, []);
        Assert.Equal(("https://exttest.cybertip.org/ispws/", "not checked yet", null), (view.Endpoint, view.Message, view.Reachable));
    }
}
