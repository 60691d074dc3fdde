namespace Vigil.Reporting.Xml;

/// <summary>NCMEC (or whatever answered) sent something that is not the response document the API defines.</summary>
public sealed class CyberTiplineProtocolException(string message) : Exception(message);
