using System.CommandLine;
using Vigil.Reporting.Client;
using Vigil.Server;

namespace Vigil.Cli.Serve;

/// <summary>
/// From the config file's <c>reporting</c> section and <c>--cybertipline</c> to the settings reports are
/// filed with, for <c>vigil serve</c> and the <c>vigil report</c> commands alike. Real reports need both
/// to say so: <c>"environment": "production"</c> in the file and <c>--cybertipline production</c> on the
/// command line. The password comes from <c>password_file</c> or <c>$VIGIL_CYBERTIPLINE_PASSWORD</c>,
/// never from an argument, and no message here shows it.
/// </summary>
internal static class ReportingSetup
{
    /// <summary>The option's name.</summary>
    public const string OptionName = "--cybertipline";

    /// <summary>A new <c>--cybertipline test|production</c> option (one per command).</summary>
    public static Option<string?> CyberTiplineOption()
    {
        var option = new Option<string?>(OptionName)
        {
            Description = "Which CyberTipline the reporting section files with: test (NCMEC's exttest host, the default) or production " +
                          "(real reports: the section must say \"environment\": \"production\" as well)",
            HelpName = "test|production",
        };
        option.AcceptOnlyFromAmong("test", "production");
        return option;
    }

    /// <summary>Why the section's environment and <c>--cybertipline</c> do not go together, or null.</summary>
    public static string? EnvironmentProblem(ReportingSection? section, string? cybertipline)
    {
        if (section is null)
            return cybertipline is null ? null : $"{OptionName} needs a reporting section in the config file (see 'vigil report init-config FILE')";
        bool production = section.Environment == "production";
        if (production && cybertipline != "production")
            return $"the reporting section says environment production: give {OptionName} production to file real reports with NCMEC (or say environment test)";
        if (!production && cybertipline == "production")
            return $"{OptionName} production needs \"environment\": \"production\" in the reporting section as well";
        return null;
    }

    /// <summary>
    /// The reporting settings, or why there are none: the environments disagree, the user or password is
    /// missing, the password file cannot be read, or the endpoint is refused (NCMEC's production host without
    /// both opt-ins, plain http off this machine).
    /// </summary>
    /// <param name="section">The checked <c>reporting</c> section.</param>
    /// <param name="cybertipline">The <c>--cybertipline</c> value, or null.</param>
    /// <param name="environment">The process environment (<c>$VIGIL_CYBERTIPLINE_*</c> win over the file).</param>
    /// <param name="actor">Who the audit log names for what the outbox does.</param>
    public static (ReportingSettings? Settings, string? Error) Resolve(ReportingSection section, string? cybertipline, Func<string, string?> environment,
        string actor = "reporting")
    {
        ArgumentNullException.ThrowIfNull(section);
        if (EnvironmentProblem(section, cybertipline) is { } problem)
            return (null, problem);
        CyberTiplineClientOptions client;
        try
        {
            client = section.ToClientOptions(environment, production: cybertipline == "production");
        }
        catch (UriFormatException)
        {
            return (null, $"${CyberTiplineClientOptions.UrlVariable} is not an absolute URL");
        }
        catch (ArgumentException e)
        {
            return (null, $"reporting: {e.Message.Split(" (Parameter ")[0]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"reporting: password_file {section.PasswordFile}: {e.Message}");
        }
        try
        {
            // The client's own checks (production opt-in, https off this machine), before anything runs.
            new CyberTiplineClient(client).Dispose();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return (null, CyberTiplineEnvironments.IsProduction(client.BaseAddress)
                ? $"{client.BaseAddress} is NCMEC's production CyberTipline: say \"environment\": \"production\" in the reporting section and give {OptionName} production"
                : $"reporting: {e.Message}");
        }
        return (new ReportingSettings(client, section.ToDeliveryOptions() with { Actor = actor }, section.ToWorkerOptions()), null);
    }

    /// <summary>One line naming where and as whom reports are filed (never the password).</summary>
    public static string Describe(ReportingSettings settings) =>
        $"the CyberTipline at {settings.Client.BaseAddress} ({(CyberTiplineEnvironments.IsProduction(settings.Client.BaseAddress) ? "production: real reports" : "test")}) as {settings.Client.Credentials.User}";
}
