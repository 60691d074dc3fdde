using System.CommandLine;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil report list|show|send|retry|retract|init-config</c>: CyberTipline reports. The outbox is read
/// and changed in the store itself (the same one <c>vigil serve</c> files from); <c>init-config</c>
/// writes the reporting settings, as a commented serve config file to fill in.
/// </summary>
internal static class ReportCommand
{
    /// <summary>What <c>init-config</c> writes: a serve config file (<c>vigil serve --config FILE</c> reads it) whose <c>reporting</c> section is an example.</summary>
    internal const string Example = """
        {
          // CyberTipline reporting (docs/reporting.md). Fill in the reporter; keep the password out of this
          // file: put it in password_file (chmod 600) or $VIGIL_CYBERTIPLINE_PASSWORD. $VIGIL_CYBERTIPLINE_URL
          // and $VIGIL_CYBERTIPLINE_USER win over url and user here.
          "reporting": {
            // "test" files to NCMEC's exttest host; "production" files real reports (say it explicitly).
            "environment": "test",
            // Another base URL, e.g. a fake from 'vigil dev cybertipline --urls ...'; null for the environment's host.
            "url": null,
            "user": "your-ncmec-user",
            "password_file": "/etc/vigil/cybertipline.password",
            "incident_type": "child_pornography",
            // The server's worker: how often it looks for reports when idle, and how many it files at once.
            "poll_interval_seconds": 2,
            "parallelism": 4,
            // When NCMEC cannot be reached: the first wait (doubling each time) and the tries of one step before the report fails.
            "backoff_base_seconds": 30,
            "max_tries": 20,
            // Days the platform should keep the reported user's records (report_filed's preserve_until); 0 for none.
            "preserve_days": 365,
            "reporter": {
              "company": "Example Platform, Inc.",
              "reporting_person": { "first_name": "Riley", "last_name": "Reporter", "email": "trust@example.com", "phone": "+1 555 0100" },
              // Whom NCMEC contacts about a report, when not the reporting person (or null).
              "contact_person": null,
              "terms_of_service_url": "https://example.com/terms",
              "legal_url": "https://example.com/legal"
            }
          },
          // The reported files are read from the evidence vault: its master key ('vigil review init-key --out FILE').
          "review": {
            "vault_key": "/etc/vigil/vault.key"
          }
        }

        """;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("report", "CyberTipline reports: list, show, send a decided case now, retry a failed report, retract an unfinished one; " +
                                            "init-config writes the reporting settings to fill in");
        command.Subcommands.Add(ReportViewCommands.CreateList(output));
        command.Subcommands.Add(ReportViewCommands.CreateShow(output));
        command.Subcommands.Add(ReportWorkCommands.CreateSend(output, error));
        command.Subcommands.Add(ReportWorkCommands.CreateRetry(output, error));
        command.Subcommands.Add(ReportWorkCommands.CreateRetract(output, error));
        command.Subcommands.Add(CreateInitConfig(output));
        return command;
    }

    private static Command CreateInitConfig(TextWriter output)
    {
        var file = new Argument<string>("FILE") { Description = "The config file to write (refused if it exists)" };
        var command = new Command("init-config", "Write a commented example of the reporting settings as a serve config file ('vigil serve --config FILE' reads it)") { file };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (File.Exists(path) || Directory.Exists(path))
                throw new IOException($"{path} exists; choose another file (init-config never overwrites)");
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
                writer.Write(Example);
            output.WriteLine($"wrote {path}: fill in the reporter, the user and the vault key, put the password in the password file, then 'vigil serve --config {path} --print-config'");
            return ExitCodes.Success;
        });
        return command;
    }
}
