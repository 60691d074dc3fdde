using System.Text;
using Vigil.Cli;

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
var output = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16) { AutoFlush = false };
var error = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
try
{
    return VigilApp.Run(args, output, error);
}
finally
{
    output.Flush();
}
