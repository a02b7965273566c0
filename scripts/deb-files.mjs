// The text files of the Debian package (build-deb.mjs), as pure functions of what they say.

/** A Debian control file's long description: each line indented, blank lines as " .". */
function longDescription(paragraphs) {
	return paragraphs.map(paragraph => paragraph.map(line => ` ${line}`).join('\n')).join('\n .\n');
}

/** DEBIAN/control of the binary package. */
export function controlFile({version, maintainer, installedSizeKb, depends, homepage}) {
	return [
		'Package: sshtop',
		`Version: ${version}`,
		'Architecture: amd64',
		`Maintainer: ${maintainer}`,
		`Installed-Size: ${installedSizeKb}`,
		`Depends: ${depends}`,
		// Ss gives the TCP details (round trip, queues); sshd -T the server's policy.
		'Recommends: iproute2',
		'Enhances: openssh-server',
		'Section: admin',
		'Priority: optional',
		...(homepage === undefined ? [] : [`Homepage: ${homepage}`]),
		'Description: htop for SSH sessions',
		longDescription([
			[
				'sshtop shows every SSH connection on the machine as a live tree: the sshd',
				'listener, the connection, the login shell and everything it started, with',
				'who, from where, on which tty, since when, how long idle, and whether the',
				'connection is still alive. Sessions are filtered and sorted with a few keys,',
				'and a hung one is sent the signal chosen, with guards against signalling the',
				"operator's own session, a reused PID, the listener or init.",
			],
			['It also prints the same view as JSON or a plain tree, and ends leftover', 'sessions by policy (sshtop reap).'],
			['This build is one executable with its own Node.js runtime.'],
		]),
		'',
	].join('\n');
}

/** The RFC 2822 date a Debian changelog signs with. */
export function changelogDate(date) {
	const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
	const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	const pad = number => String(number).padStart(2, '0');
	return (
		`${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
		`${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
	);
}

/**
The Debian changelog (usr/share/doc/sshtop/changelog.gz of a native package): one entry for
the packaged version, pointing at the project's own changelog shipped beside it.
*/
export function debianChangelog({version, maintainer, date}) {
	return [
		`sshtop (${version}) unstable; urgency=medium`,
		'',
		`  * sshtop ${version}, built from its npm sources by npm run build:deb.`,
		'    What changed is in /usr/share/doc/sshtop/CHANGELOG.md.gz.',
		'',
		` -- ${maintainer}  ${changelogDate(date)}`,
		'',
	].join('\n');
}

/**
The copyright file (usr/share/doc/sshtop/copyright): sshtop's licence, then what the
executable carries: the libraries the bundle was built from (name, version, licence, from their
package.json) and the Node.js runtime, whose LICENSE (shipped beside it) covers Node and the code
it bundles.
*/
export function copyrightFile({sshtopLicense, bundled, nodeVersion}) {
	const libraries = bundled.map(({name, version, license}) => `  ${name} ${version}: ${license}`);
	return [
		'sshtop',
		'',
		sshtopLicense.trimEnd(),
		'',
		'-------------------------------------------------------------------------------',
		'/usr/bin/sshtop carries these JavaScript libraries, bundled from npm (their',
		'licence texts are in their packages on the npm registry):',
		'',
		...libraries,
		'',
		'-------------------------------------------------------------------------------',
		`/usr/bin/sshtop runs on Node.js ${nodeVersion}, built in: Copyright Node.js`,
		'contributors, under the MIT licence above, with the code Node.js bundles (V8,',
		"OpenSSL, ICU, libuv, zlib and others) under their own licences. Node.js's",
		'LICENSE, which gives each of them in full, is',
		'/usr/share/doc/sshtop/LICENSE.nodejs.gz. On Debian systems the complete texts of',
		'the Apache License 2.0 and of the GNU General Public License are in',
		'/usr/share/common-licenses/Apache-2.0 and /usr/share/common-licenses/GPL.',
		'',
	].join('\n');
}
