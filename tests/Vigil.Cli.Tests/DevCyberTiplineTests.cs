using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil dev cybertipline</c>: the fake NCMEC endpoint integrators start by hand answers with Basic auth, and refuses other addresses.</summary>
public class DevCyberTiplineTests
{
    [Fact]
    public async Task The_fake_prints_its_address_answers_status_with_the_password_and_401_without()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "dev", "cybertipline", "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            // The first line says where it listens, as VIGIL_CYBERTIPLINE_URL=... for a shell to export.
            var first = process.StandardOutput.ReadLineAsync();
            Assert.True(await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(60))) == first, "the fake did not start");
            string line = (await first)!;
            Assert.StartsWith("VIGIL_CYBERTIPLINE_URL=http://127.0.0.1:", line);
            var baseUri = new Uri(line["VIGIL_CYBERTIPLINE_URL=".Length..]);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(baseUri, "status"))).StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "status"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("vigil:vigil-dev")));
            using var status = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Contains("<responseCode>0</responseCode>", await status.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var refused = CliRunner.RunProcess("dev", "cybertipline", "--urls", "http://0.0.0.0:0");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.StartsWith("error:", refused.Error.Trim());
    }
}
