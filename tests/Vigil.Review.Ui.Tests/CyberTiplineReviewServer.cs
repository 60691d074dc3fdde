using Vigil.Reporting.Fake;
using Vigil.Server;
using Vigil.Testing;

namespace Vigil.Review.Ui.Tests;

/// <summary>A review server whose report worker files to its own fake CyberTipline (started before the server, stopped after it).</summary>
public abstract class CyberTiplineReviewServer : ReviewServer
{
    /// <summary>The fake the worker files to: what it received, and failures to inject.</summary>
    protected FakeCyberTipline Fake { get; private set; } = null!;

    protected override ServerSettings Settings => base.Settings with { Reporting = FakeReporting.To(Fake) };

    /// <summary>Sets the fake up before the server starts (failures to inject, say).</summary>
    protected virtual void Prepare(FakeCyberTipline fake)
    {
    }

    public override async Task InitializeAsync()
    {
        Fake = await FakeCyberTipline.StartAsync();
        Prepare(Fake);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
