using System.CommandLine;
using Vigil.Reporting.Fake;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil dev</c>: tools for integrators. <c>vigil dev cybertipline</c> runs the fake CyberTipline.</summary>
internal static class DevCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("dev", "Tools for integrators: a fake NCMEC CyberTipline to try reporting without NCMEC credentials");
        command.Subcommands.Add(CyberTipline(output, error));
        return command;
    }

    private static Command CyberTipline(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen: http://127.0.0.1:PORT (this machine only; port 0 picks one)",
            DefaultValueFactory = _ => "http://127.0.0.1:8790",
            HelpName = "URL",
        };
        var user = new Option<string>("--user")
        {
            Description = "The Basic auth user name the fake accepts",
            DefaultValueFactory = _ => "vigil",
            HelpName = "U",
        };
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = "A file whose first line is the password the fake accepts (default password: vigil-dev)",
            HelpName = "F",
        };
        var command = new Command("cybertipline", "Run a fake NCMEC CyberTipline (ISPWS: /status, /submit, /upload, /fileinfo, /finish, /retract) that validates every document against NCMEC's schema and keeps reports in memory; Ctrl-C stops it")
        {
            urls, user, passwordFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            string password = "vigil-dev";
            if (parse.GetValue(passwordFile) is { } file)
            {
                password = File.ReadLines(file).FirstOrDefault()?.TrimEnd('\r', '\n') ?? "";
                if (password.Length == 0)
                {
                    error.WriteLine($"error: the password file {file} is empty");
                    return ExitCodes.Usage;
                }
            }
            string userName = parse.GetValue(user)!;
            FakeCyberTipline fake;
            try
            {
                fake = await FakeCyberTipline.StartAsync(new FakeCyberTiplineOptions
                {
                    Url = parse.GetValue(urls)!,
                    User = userName,
                    Password = password,
                    RequestLog = line => { lock (error) error.WriteLine("vigil: " + line); },
                }, ct);
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                error.WriteLine($"error: cannot listen on {parse.GetValue(urls)}: {e.Message}");
                return ExitCodes.Failure;
            }
            output.WriteLine($"{CyberTiplineUrlVariable}={fake.BaseAddress.AbsoluteUri}");
            output.WriteLine($"{CyberTiplineUserVariable}={userName}");
            output.Flush();
            error.WriteLine($"vigil: fake CyberTipline on {fake.BaseAddress.AbsoluteUri} (user '{userName}', password {(parse.GetValue(passwordFile) is null ? "'vigil-dev'" : "from the file")}); reports are kept in memory only. Ctrl-C to stop");
            await fake.RunUntilAsync(ct);
            error.WriteLine("vigil: fake CyberTipline stopped");
            return ExitCodes.Success;
        });
        return command;
    }

    private const string CyberTiplineUrlVariable = Vigil.Reporting.Client.CyberTiplineClientOptions.UrlVariable;
    private const string CyberTiplineUserVariable = Vigil.Reporting.Client.CyberTiplineClientOptions.UserVariable;
}
